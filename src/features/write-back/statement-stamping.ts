// Ingest-path write-back: after statements are resolved (on every path: resolution-pipeline.ts), stamp them in Learning Locker's `statements` collection
// with `personaIdentifier` and `person: {_id, display}` of the actor (compat spec 2.1 step 5), in one unordered bulk
// write. Older statements of a newly created identifier are never touched here: that is a back-fill job.
import { ObjectId } from 'bson';
import { COLLECTIONS, type PersonaDoc } from '../../domain/model.ts';
import type { BulkOperation, Collection, Store } from '../../store/port.ts';
import type { AfterResolveHook, ResolutionResult, ResolvedAgent } from '../../core/resolution-result.ts';
import { pseudonymDisplays, type WriteBackPerson } from '../pseudonyms/pseudonym-displays.ts';

export interface StampTarget {
  statementId: string;
  identifierId: string;
  personaId: string;
}

/** The actor stamp of each resolved statement (LL resolves `statement.actor` only; an anonymous Group has none). */
export function actorStamps(result: ResolutionResult): StampTarget[] {
  return result.results.flatMap((statement) => {
    const actor = statement.agents.find((agent: ResolvedAgent) => agent.path === 'actor');
    return statement.status === 'resolved' && statement.statementId && actor
      ? [{ statementId: statement.statementId, identifierId: actor.identifierId, personaId: actor.personaId }]
      : [];
  });
}

/** Persona names for `person.display` (null when unnamed, as LL), or their pseudonyms (WRITE_BACK_PERSON=pseudonym). */
export async function personaDisplays(
  store: Store,
  organisation: ObjectId,
  personaIds: string[],
  person: WriteBackPerson = 'name',
): Promise<Map<string, string | null>> {
  const unique = [...new Set(personaIds)];
  if (unique.length === 0) return new Map();
  if (person === 'pseudonym') return pseudonymDisplays(store, organisation, unique);
  const personas = await store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .find({ organisation, _id: { $in: unique.map((id) => new ObjectId(id)) } }, { projection: { _id: 1, name: 1 } });
  return new Map(personas.map((persona) => [persona._id.toHexString(), typeof persona.name === 'string' ? persona.name : null]));
}

export async function stampStatements(
  store: Store,
  statements: Collection,
  organisation: ObjectId,
  result: ResolutionResult,
  person: WriteBackPerson = 'name',
): Promise<{ stamped: number; newIdentifiers: ResolvedAgent[] }> {
  const stamps = actorStamps(result);
  const newIdentifiers = result.results.flatMap((statement) => statement.agents.filter((agent) => agent.created && agent.path === 'actor'));
  if (stamps.length === 0) return { stamped: 0, newIdentifiers };
  const displays = await personaDisplays(
    store,
    organisation,
    stamps.map((stamp) => stamp.personaId),
    person,
  );
  const operations: BulkOperation[] = stamps.map((stamp) => ({
    updateMany: {
      filter: { organisation, 'statement.id': stamp.statementId },
      update: {
        $set: {
          personaIdentifier: new ObjectId(stamp.identifierId),
          person: { _id: new ObjectId(stamp.personaId), display: displays.get(stamp.personaId) ?? null },
        },
      },
    },
  }));
  const written = await statements.bulkWrite(operations, { ordered: false });
  if (written.writeErrors.length > 0) throw new Error(`statement write-back failed: ${written.writeErrors[0].errmsg}`);
  return { stamped: written.matchedCount, newIdentifiers };
}

/**
 * The after-resolution effect of write-back: stamps the statements, then hands the identifiers this resolution created
 * to `backfillIdentifiers` (the back-fill queue) for their older statements. Null without the queue: back-fills need
 * Redis, so the statements stored before a new identifier existed are then left unstamped (README, write-back).
 */
export function statementStampingEffect({
  store,
  statements,
  person,
  backfillIdentifiers,
}: {
  store: Store;
  statements: Collection;
  person?: WriteBackPerson;
  backfillIdentifiers: ((organisation: ObjectId, created: ResolvedAgent[]) => Promise<void>) | null;
}): AfterResolveHook {
  return async (organisation, _statements, result) => {
    const { newIdentifiers } = await stampStatements(store, statements, organisation, result, person);
    if (newIdentifiers.length > 0) await backfillIdentifiers?.(organisation, newIdentifiers);
  };
}
