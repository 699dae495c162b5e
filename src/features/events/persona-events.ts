// Persona events: `persona.created` and `identifier.created` derived from a resolution result, `persona.merged` and
// `persona.merge_undone` from a merge record. Delivery is at least once: a re-run job may announce again what it
// already announced, so every event carries a stable `eventId` (`<type>:<subject id>`) for consumers to de-duplicate on.
import { ObjectId } from 'bson';
import { COLLECTIONS, type Ifi, type PersonaDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import type { MergeRecordDoc } from '../merges/merge-record.ts';
import type { AfterResolveHook, ResolutionResult } from '../../core/resolution-result.ts';

export type PersonaEvent =
  | { type: 'persona.created'; eventId: string; organisation: string; personaId: string; name: string | null; occurredAt: string }
  | {
      type: 'identifier.created';
      eventId: string;
      organisation: string;
      identifierId: string;
      personaId: string;
      ifi: Ifi;
      occurredAt: string;
    }
  | MergeEvent;

/** `personaId` is the merge target (the persona that lives on); `sourceIds` the personas merged into it (or restored). */
export interface MergeEvent {
  type: 'persona.merged' | 'persona.merge_undone';
  eventId: string;
  organisation: string;
  mergeId: string;
  personaId: string;
  sourceIds: string[];
  actor: string;
  occurredAt: string;
}

/**
 * The events of one resolution. `identifier.created` and `persona.created` come straight from the result (its
 * agents marked created, its `createdPersonaIds`); the persona's name and creation time are read by _id.
 */
export async function eventsOfResolution(store: Store, organisation: ObjectId, result: ResolutionResult): Promise<PersonaEvent[]> {
  const org = organisation.toHexString();
  const identifierEvents = new Map<string, PersonaEvent>();
  for (const statement of result.results) {
    for (const agent of statement.agents) {
      if (!agent.created || identifierEvents.has(agent.identifierId)) continue;
      identifierEvents.set(agent.identifierId, {
        type: 'identifier.created',
        eventId: `identifier.created:${agent.identifierId}`,
        organisation: org,
        identifierId: agent.identifierId,
        personaId: agent.personaId,
        ifi: agent.ifi,
        occurredAt: new Date().toISOString(),
      });
    }
  }
  const createdIds = [...new Set(result.createdPersonaIds ?? [])];
  if (createdIds.length === 0) return [...identifierEvents.values()];
  const personas = await store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .find({ organisation, _id: { $in: createdIds.map((id) => new ObjectId(id)) } }, { projection: { _id: 1, name: 1, createdAt: 1 } });
  const byId = new Map(personas.map((persona) => [persona._id.toHexString(), persona]));
  // A persona erased between resolution and this read was still created: announced without a name.
  const personaEvents: PersonaEvent[] = createdIds.map((id) => ({
    type: 'persona.created',
    eventId: `persona.created:${id}`,
    organisation: org,
    personaId: id,
    name: byId.get(id)?.name ?? null,
    occurredAt: (byId.get(id)?.createdAt ?? new Date()).toISOString(),
  }));
  return [...personaEvents, ...identifierEvents.values()];
}

/** The event of a merge record that reached `applied` or `undone`; null for any other state. */
export function eventOfMerge(record: MergeRecordDoc): MergeEvent | null {
  if (record.state !== 'applied' && record.state !== 'undone') return null;
  const type = record.state === 'applied' ? 'persona.merged' : 'persona.merge_undone';
  const mergeId = record._id.toHexString();
  return {
    type,
    eventId: `${type}:${mergeId}`,
    organisation: record.organisation.toHexString(),
    mergeId,
    personaId: record.target.toHexString(),
    sourceIds: record.sources.map((id) => id.toHexString()),
    actor: (record.state === 'undone' ? record.undoneBy : undefined) ?? record.actor,
    occurredAt: ((record.state === 'applied' ? record.appliedAt : record.undoneAt) ?? record.updatedAt).toISOString(),
  };
}

/** Where events go: the Redis events stream and webhook queue when the queue is on, else the webhooks directly. */
export type PublishEvents = (events: PersonaEvent[]) => Promise<void>;

/** The after-resolution effect announcing the personas and identifiers a resolution created. */
export function personaEventsEffect(store: Store, publish: PublishEvents): AfterResolveHook {
  return async (organisation, _statements, result) => {
    if (result.counts.identifiersCreated === 0 && result.counts.personasCreated === 0) return;
    await publish(await eventsOfResolution(store, organisation, result));
  };
}
