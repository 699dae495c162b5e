// What the Learning Locker routes need from the service layer, named in LL's terms. The implementation
// (service-adapter.ts) delegates every write to the services that /v1 uses, so each rule exists once; reads with
// user filters go to the store directly, always scoped by organisation and blind to merge tombstones.
import type { ObjectId } from 'bson';
import type { AttributeDoc, IdentifierDoc, Ifi, PersonaDoc } from '../../domain/model.ts';
import type { Caller } from '../../core/caller.ts';
import type { Store } from '../../store/port.ts';

/** The authenticated client, the same object the /v1 services receive (core/caller.ts). */
export type CallerContext = Caller;

export interface LlPersonaPort {
  create(caller: CallerContext, name: string | null): Promise<PersonaDoc>;
  rename(caller: CallerContext, id: ObjectId, name: string): Promise<PersonaDoc>;
  /** Refuses while identifiers are attached; deletes the persona's attributes with it. */
  remove(caller: CallerContext, id: ObjectId): Promise<void>;
}

export interface LlIdentifierPort {
  /** A new identifier on an existing persona; an existing IFI is a conflict (never moved). */
  create(caller: CallerContext, ifi: unknown, persona: ObjectId): Promise<IdentifierDoc>;
  /** Find-or-create; with `persona`, creates on or moves to that persona. */
  upsert(caller: CallerContext, ifi: unknown, persona: ObjectId | null): Promise<IdentifierDoc>;
  move(caller: CallerContext, id: ObjectId, persona: ObjectId): Promise<IdentifierDoc>;
  remove(caller: CallerContext, id: ObjectId): Promise<void>;
}

export interface LlAttributePort {
  create(caller: CallerContext, input: { personaId: ObjectId; key: string; value: unknown }): Promise<AttributeDoc>;
  update(caller: CallerContext, id: ObjectId, patch: { personaId?: ObjectId; key?: string; value?: unknown }): Promise<AttributeDoc>;
  remove(caller: CallerContext, id: ObjectId): Promise<void>;
}

export interface LlMergePort {
  /** The journaled, undoable merge of /v1; answers the ids of the identifiers that moved. */
  merge(caller: CallerContext, from: ObjectId, to: ObjectId): Promise<{ identifierIds: ObjectId[] }>;
}

export interface LlPorts {
  store: Store;
  personas: LlPersonaPort;
  identifiers: LlIdentifierPort;
  attributes: LlAttributePort;
  merges: LlMergePort;
}

export type { Ifi };
