// Identifiers (persona identifiers): one xAPI IFI attached to one persona, unique per organisation through the
// unique index on (organisation, canonicalKey), which also arbitrates races with the resolver. Email identifiers
// keep the resolver's mbox ↔ mbox_sha1sum claims (resolver/email-claims.ts) pointing at their persona.
import { ObjectId } from 'bson';
import { COLLECTIONS, type EmailClaimDoc, type IdentifierDoc, type Ifi, type PersonaDoc } from '../../domain/model.ts';
import { canonicalIdentifierKey, personaNameFor } from '../../domain/xapi/index.ts';
import { isDuplicateKeyError, type Store } from '../../store/port.ts';
import { apiError } from '../../core/errors/api-error.ts';
import type { CursorCodec } from '../../core/list/cursor.ts';
import type { ListQuery } from '../../core/list/list-query.ts';
import { oneOrAny } from '../../core/list/condition-filter.ts';
import { countInScope, findPage, type Page } from '../../core/list/paginate.ts';
import type { Caller } from '../../core/caller.ts';
import { assertWithinLimits, readGuard, refuseBlocked } from '../identity-rules/guard.ts';
import { emailClaimKeys } from '../resolver/email-claims.ts';
import { writablePersona } from '../personas/persona-guard.ts';
import { identifierListFilter } from './identifier-filters.ts';

export interface IdentifierUpsert {
  identifier: IdentifierDoc;
  wasCreated: boolean;
}

export interface IdentifiersService {
  list(caller: Caller, query: ListQuery): Promise<Page<IdentifierDoc>>;
  count(caller: Caller, query: ListQuery): Promise<number>;
  get(caller: Caller, id: ObjectId): Promise<IdentifierDoc>;
  findByIfi(caller: Caller, ifi: Ifi): Promise<IdentifierDoc | null>;
  listOfPersonas(caller: Caller, personaIds: ObjectId[]): Promise<IdentifierDoc[]>;
  countOfPersona(caller: Caller, personaId: ObjectId): Promise<number>;
  /** 409 identifiers.identifier_exists when any of the ifis is already assigned (one query). */
  assertUnassigned(caller: Caller, ifis: Ifi[]): Promise<void>;
  /** Attaches new identifiers to a live persona; any already assigned: 409 identifiers.identifier_exists, nothing attached. */
  attach(caller: Caller, personaId: ObjectId, ifis: Ifi[]): Promise<IdentifierDoc[]>;
  /** POST /v1/identifiers: find-or-create; with `persona`, creates on it or moves (splits) the existing one to it. */
  upsert(caller: Caller, input: { ifi: Ifi; persona?: ObjectId }): Promise<IdentifierUpsert>;
  move(caller: Caller, id: ObjectId, personaId: ObjectId): Promise<IdentifierDoc>;
  remove(caller: Caller, id: ObjectId): Promise<void>;
  removeAllOfPersona(caller: Caller, personaId: ObjectId): Promise<number>;
}

export interface IdentifiersDependencies {
  store: Store;
  cursors: CursorCodec;
  /**
   * Called after an identifier was created or moved to another persona (statement write-back back-fills the
   * statements of its IFI). Not called for an identifier a losing attach() removed again.
   */
  onAssigned?: (identifier: IdentifierDoc, change: 'created' | 'moved') => Promise<void>;
  /**
   * Statement write-back on: whether Learning Locker's statements of the organisation have this IFI as actor. While
   * they do, the identifier is not deleted (compat spec 3.4; they are stamped with it): move it instead.
   */
  ifiHasStatements?: (organisation: ObjectId, ifi: Ifi) => Promise<boolean>;
}

export function identifierNotFound(id: ObjectId) {
  return apiError('identifiers.identifier_not_found', { id: id.toHexString() });
}

export function createIdentifiersService({ store, cursors, onAssigned, ifiHasStatements }: IdentifiersDependencies): IdentifiersService {
  const identifiers = store.collection<IdentifierDoc>(COLLECTIONS.identifiers);
  const personas = store.collection<PersonaDoc>(COLLECTIONS.personas);
  const claims = store.collection<EmailClaimDoc>(COLLECTIONS.emailClaims);

  /** Points the claims of an email identifier at its persona (first claim wins, as in the resolver). */
  async function claimEmail(organisation: ObjectId, ifi: Ifi, persona: ObjectId, previous?: ObjectId): Promise<void> {
    const keys = emailClaimKeys(ifi);
    if (keys.length === 0) return;
    if (previous) await claims.updateMany({ organisation, sha1: { $in: keys }, persona: previous }, { $set: { persona } });
    await claims.bulkWrite(
      keys.map((sha1) => ({
        updateOne: { filter: { organisation, sha1 }, update: { $setOnInsert: { persona, createdAt: new Date() } }, upsert: true },
      })),
      { ordered: false },
    );
  }

  /** Drops the claims a removed identifier held, unless another identifier of the persona still claims them. */
  async function releaseEmail(organisation: ObjectId, removed: IdentifierDoc): Promise<void> {
    const keys = emailClaimKeys(removed.ifi);
    if (keys.length === 0) return;
    const remaining = await identifiers.find({ organisation, persona: removed.persona, 'ifi.key': { $in: ['mbox', 'mbox_sha1sum'] } });
    const held = new Set(remaining.flatMap((identifier) => emailClaimKeys(identifier.ifi)));
    const released = keys.filter((key) => !held.has(key));
    if (released.length > 0) await claims.deleteMany({ organisation, sha1: { $in: released }, persona: removed.persona });
  }

  async function get(caller: Caller, id: ObjectId): Promise<IdentifierDoc> {
    const identifier = await identifiers.findOne({ _id: id, organisation: caller.organisation });
    if (!identifier) throw identifierNotFound(id);
    return identifier;
  }

  function exists(identifier: IdentifierDoc) {
    return apiError('identifiers.identifier_exists', { canonicalKey: identifier.canonicalKey, persona: identifier.persona.toHexString() });
  }

  async function insertOn(caller: Caller, personaId: ObjectId, ifi: Ifi): Promise<IdentifierDoc> {
    const now = new Date();
    const identifier: IdentifierDoc = {
      _id: new ObjectId(),
      organisation: caller.organisation,
      persona: personaId,
      ifi,
      canonicalKey: canonicalIdentifierKey(ifi),
      locked: false,
      createdAt: now,
      updatedAt: now,
    };
    await identifiers.insertOne(identifier);
    await claimEmail(caller.organisation, ifi, personaId);
    return identifier;
  }

  async function assertUnassigned(caller: Caller, ifis: Ifi[]): Promise<void> {
    const keys = ifis.map((ifi) => canonicalIdentifierKey(ifi));
    const taken = await identifiers.find({ organisation: caller.organisation, canonicalKey: { $in: keys } });
    // The first taken one in request order is named, whatever order the store returns them in.
    const first = keys.map((key) => taken.find((doc) => doc.canonicalKey === key)).find(Boolean);
    if (first) throw exists(first);
  }

  async function move(caller: Caller, id: ObjectId, personaId: ObjectId): Promise<IdentifierDoc> {
    const current = await get(caller, id);
    await writablePersona(store, caller.organisation, personaId);
    if (current.persona.equals(personaId)) return current;
    // Moving links the identifier to another persona: the guard rails apply as to a new one.
    const guard = await readGuard(store, caller.organisation);
    await refuseBlocked(store, caller.organisation, guard, [current.ifi]);
    await assertWithinLimits(store, guard, caller.organisation, personaId, [current.ifi]);
    const moved = await identifiers.findOneAndUpdate(
      { _id: id, organisation: caller.organisation },
      { $set: { persona: personaId, updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
    if (!moved) throw identifierNotFound(id);
    await claimEmail(caller.organisation, moved.ifi, personaId, current.persona);
    await onAssigned?.(moved, 'moved');
    return moved;
  }

  return {
    list(caller, query) {
      const { filter, digest } = identifierListFilter(caller.organisation, query);
      return findPage({
        collection: identifiers,
        scope: { organisation: caller.organisation },
        filter,
        query,
        codec: cursors,
        digest,
        sortIndexes: [{ createdAt: 1, _id: 1 }],
      });
    },
    count(caller, query) {
      const { filter } = identifierListFilter(caller.organisation, query);
      return countInScope(identifiers, { organisation: caller.organisation }, filter);
    },
    get,
    findByIfi(caller, ifi) {
      return identifiers.findOne({ organisation: caller.organisation, canonicalKey: canonicalIdentifierKey(ifi) });
    },
    listOfPersonas(caller, personaIds) {
      if (personaIds.length === 0) return Promise.resolve([]);
      return identifiers.find({ organisation: caller.organisation, persona: oneOrAny(personaIds) }, { sort: { createdAt: 1, _id: 1 } });
    },
    countOfPersona(caller, personaId) {
      return identifiers.countDocuments({ organisation: caller.organisation, persona: personaId });
    },
    assertUnassigned,
    async attach(caller, personaId, ifis) {
      const guard = await readGuard(store, caller.organisation);
      await refuseBlocked(store, caller.organisation, guard, ifis, (index) => `identifiers[${index}]`);
      await assertWithinLimits(store, guard, caller.organisation, personaId, ifis);
      await assertUnassigned(caller, ifis);
      const attached: IdentifierDoc[] = [];
      for (const ifi of ifis) {
        if (attached.some((identifier) => identifier.canonicalKey === canonicalIdentifierKey(ifi))) continue;
        try {
          attached.push(await insertOn(caller, personaId, ifi));
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          // Lost a race with another writer: undo this call's identifiers so the request changes nothing.
          if (attached.length > 0) await identifiers.deleteMany({ _id: { $in: attached.map((identifier) => identifier._id) } });
          const winner = await identifiers.findOne({ organisation: caller.organisation, canonicalKey: canonicalIdentifierKey(ifi) });
          throw winner ? exists(winner) : error;
        }
      }
      for (const identifier of attached) await onAssigned?.(identifier, 'created');
      return attached;
    },
    async upsert(caller, { ifi, persona }) {
      const canonicalKey = canonicalIdentifierKey(ifi);
      const guard = await readGuard(store, caller.organisation);
      await refuseBlocked(store, caller.organisation, guard, [ifi]);
      const existing = await identifiers.findOne({ organisation: caller.organisation, canonicalKey });
      if (existing) {
        const identifier = persona && !existing.persona.equals(persona) ? await move(caller, existing._id, persona) : existing;
        return { identifier, wasCreated: false };
      }
      if (persona) {
        await writablePersona(store, caller.organisation, persona);
        await assertWithinLimits(store, guard, caller.organisation, persona, [ifi]);
        let identifier: IdentifierDoc;
        try {
          identifier = await insertOn(caller, persona, ifi);
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          return {
            identifier: await move(caller, (await identifiers.findOne({ organisation: caller.organisation, canonicalKey }))!._id, persona),
            wasCreated: false,
          };
        }
        await onAssigned?.(identifier, 'created');
        return { identifier, wasCreated: true };
      }
      const now = new Date();
      const personaDoc: PersonaDoc = {
        _id: new ObjectId(),
        organisation: caller.organisation,
        name: personaNameFor({}, ifi),
        active: true,
        createdAt: now,
        updatedAt: now,
        createdBy: caller.clientId,
        updatedBy: caller.clientId,
      };
      await personas.insertOne(personaDoc);
      let identifier: IdentifierDoc;
      try {
        identifier = await insertOn(caller, personaDoc._id, ifi);
      } catch (error) {
        await personas.deleteOne({ _id: personaDoc._id });
        if (!isDuplicateKeyError(error)) throw error;
        const winner = await identifiers.findOne({ organisation: caller.organisation, canonicalKey });
        if (!winner) throw error;
        return { identifier: winner, wasCreated: false };
      }
      await onAssigned?.(identifier, 'created');
      return { identifier, wasCreated: true };
    },
    move,
    async remove(caller, id) {
      if (ifiHasStatements) {
        const current = await get(caller, id);
        if (await ifiHasStatements(caller.organisation, current.ifi)) {
          throw apiError('identifiers.identifier_has_statements', { id: id.toHexString() });
        }
      }
      const removed = await identifiers.findOneAndDelete({ _id: id, organisation: caller.organisation });
      if (!removed) throw identifierNotFound(id);
      await releaseEmail(caller.organisation, removed);
    },
    async removeAllOfPersona(caller, personaId) {
      const { deletedCount } = await identifiers.deleteMany({ organisation: caller.organisation, persona: personaId });
      await claims.deleteMany({ organisation: caller.organisation, persona: personaId });
      return deletedCount;
    },
  };
}
