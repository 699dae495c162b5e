// The xAPI Person object of a persona (xapi-agents.md section 7; xAPI Agents resource): every identifier the persona
// holds, and every name it was known by: its own, those of the personas merged into it (their tombstones keep
// their names), and every name seen for them (features/names). Served by GET /xapi/agents (persona found from an
// Agent) and GET /v1/personas/{id}/person.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type EmailClaimDoc, type IdentifierDoc, type PersonaDoc } from '../../domain/model.ts';
import { toPersonObject, toStoredIfi, type PersonObject } from '../../domain/xapi/index.ts';
import type { Store } from '../../store/port.ts';
import { seenNamesOf } from '../names/persona-names.ts';
import { emailClaimKeys } from '../resolver/email-claims.ts';
import type { Resolver } from '../resolver/resolver.service.ts';
import { lookupPersonaStates } from './persona-lookup.ts';

export interface PersonReader {
  /** The Person of a live persona of the organisation. */
  ofPersona(organisation: ObjectId, persona: PersonaDoc): Promise<PersonObject>;
  /**
   * The Person of the live persona owning the agent's identifier (following merges, and an address's SHA-1 claim),
   * or, when no persona has it, a Person built from the agent alone (xAPI requires a Person, never a 404).
   * `agent` is a validated Agent or identified Group.
   */
  ofAgent(organisation: ObjectId, agent: Record<string, unknown>): Promise<PersonObject>;
}

export interface PersonReaderDependencies {
  store: Store;
  resolver: Resolver;
  /** LINK_MBOX_SHA1SUM: an address and its SHA-1 are one person, so a claim finds the persona of either. */
  linkMboxSha1sum: boolean;
}

export function createPersonReader({ store, resolver, linkMboxSha1sum }: PersonReaderDependencies): PersonReader {
  const personas = store.collection<PersonaDoc>(COLLECTIONS.personas);

  async function ofPersona(organisation: ObjectId, persona: PersonaDoc): Promise<PersonObject> {
    const [identifiers, mergedAway, seen] = await Promise.all([
      store.collection<IdentifierDoc>(COLLECTIONS.identifiers).find({ organisation, persona: persona._id }, { sort: { _id: 1 } }),
      personas.find({ organisation, mergedInto: persona._id }, { projection: { name: 1 }, sort: { _id: 1 } }),
      seenNamesOf(store, organisation, persona._id),
    ]);
    // The display names first, then every other name seen in statements, imports and the API (most recent first).
    const names = [persona, ...mergedAway, ...seen]
      .map((doc) => doc.name)
      .filter((name): name is string => typeof name === 'string' && name !== '');
    return toPersonObject(
      names,
      identifiers.map((identifier) => identifier.ifi),
    );
  }

  /** The persona an address's SHA-1 claim names, when the identifier itself was never stored (mbox ↔ sha1 link). */
  async function claimedPersona(organisation: ObjectId, agent: Record<string, unknown>): Promise<ObjectId | null> {
    const keys = emailClaimKeys(toStoredIfi(agent));
    if (keys.length === 0) return null;
    const claim = await store.collection<EmailClaimDoc>(COLLECTIONS.emailClaims).findOne({ organisation, sha1: { $in: keys } });
    if (!claim) return null;
    return (await lookupPersonaStates(store, organisation, [claim.persona])).get(claim.persona.toHexString())?.liveId ?? null;
  }

  return {
    ofPersona,
    async ofAgent(organisation, agent) {
      const [found] = await resolver.lookupAgents(organisation, [agent]);
      const personaId = found?.personaId ?? (linkMboxSha1sum ? await claimedPersona(organisation, agent) : null);
      const persona = personaId && (await personas.findOne({ _id: personaId, organisation, mergedInto: { $exists: false } }));
      if (persona) return ofPersona(organisation, persona);
      return toPersonObject(typeof agent.name === 'string' ? [agent.name] : [], [toStoredIfi(agent)]);
    },
  };
}
