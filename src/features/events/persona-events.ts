// Persona events (`persona.created`, `identifier.created`) derived from a resolution result. Delivery is at least
// once: a re-run job may announce again what it already announced, so every event carries a stable `eventId`
// (`<type>:<subject id>`) for consumers to de-duplicate on.
import { ObjectId } from 'bson';
import { COLLECTIONS, type Ifi, type PersonaDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import type { ResolutionResult } from '../resolver/resolution-result.ts';

export type PersonaEvent =
  | { type: 'persona.created'; eventId: string; organisation: string; personaId: string; name: string | null; occurredAt: string }
  | { type: 'identifier.created'; eventId: string; organisation: string; identifierId: string; personaId: string; ifi: Ifi; occurredAt: string };

/**
 * The events of one resolution. `identifier.created` comes straight from the result; a persona counts as created
 * when one of the new identifiers points at a persona the resolver created during this call (createdBy `resolver`,
 * created at or after `startedAt`).
 */
export async function eventsOfResolution(
  store: Store, organisation: ObjectId, result: ResolutionResult, startedAt: Date,
): Promise<PersonaEvent[]> {
  const org = organisation.toHexString();
  const identifierEvents = new Map<string, PersonaEvent>();
  const candidatePersonas = new Set<string>();
  for (const statement of result.results) {
    for (const agent of statement.agents) {
      if (!agent.created || identifierEvents.has(agent.identifierId)) continue;
      identifierEvents.set(agent.identifierId, {
        type: 'identifier.created', eventId: `identifier.created:${agent.identifierId}`, organisation: org,
        identifierId: agent.identifierId, personaId: agent.personaId, ifi: agent.ifi, occurredAt: new Date().toISOString(),
      });
      candidatePersonas.add(agent.personaId);
    }
  }
  if (candidatePersonas.size === 0 || result.counts.personasCreated === 0) return [...identifierEvents.values()];
  // By _id only (the primary key serves it); the creation test runs here, so no planner picks a creation-date scan.
  const personas = (await store.collection<PersonaDoc>(COLLECTIONS.personas).find(
    { organisation, _id: { $in: [...candidatePersonas].map((id) => new ObjectId(id)) } },
    { projection: { _id: 1, name: 1, createdAt: 1, createdBy: 1 } },
  )).filter((persona) => persona.createdBy === 'resolver' && persona.createdAt >= startedAt);
  const personaEvents: PersonaEvent[] = personas.map((persona) => ({
    type: 'persona.created', eventId: `persona.created:${persona._id.toHexString()}`, organisation: org,
    personaId: persona._id.toHexString(), name: persona.name ?? null, occurredAt: persona.createdAt.toISOString(),
  }));
  return [...personaEvents, ...identifierEvents.values()];
}
