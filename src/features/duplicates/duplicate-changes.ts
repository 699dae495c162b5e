// Which personas a refresh of the duplicate (or search) index must look at again: those whose persona document,
// identifiers or attributes were written since the last refresh, and the target and sources of merges and undos
// written since (an undo moves identifiers off the target without writing anything of the target's).
//
// "Since" is a position in the store's commit order (Store.changesSince), not a time: a write stamped by a host
// whose clock is behind, or one that commits long after it was stamped (a w:majority write waiting on a lagging
// secondary, a retried write after a failover), is still seen by the first refresh after it commits. The written
// documents are read back for the personas they name; one deleted since names nobody (deletions are checked against
// the live data on the way out of both indexes).
import type { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';

/** How often a refresh that found nothing still stores its new token: a stored token must stay inside the history the store keeps. */
export const QUIET_TOKEN_SAVE_MS = 60_000;

/** Where each source of match keys names its persona (merges name several). */
const SOURCES: Array<{ collection: string; personasOf: (doc: Record<string, any>) => ObjectId[] }> = [
  { collection: COLLECTIONS.personas, personasOf: (doc) => [doc._id] },
  { collection: COLLECTIONS.identifiers, personasOf: (doc) => [doc.persona] },
  { collection: COLLECTIONS.attributes, personasOf: (doc) => [doc.personaId] },
  { collection: COLLECTIONS.merges, personasOf: (doc) => [doc.target, ...(doc.sources ?? [])] },
];
const PERSONA_FIELDS = { _id: 1, persona: 1, personaId: 1, target: 1, sources: 1 } as const;
/** Ids per read-back: a bounded `$in` on the primary key. */
const READ_BACK = 1000;

/**
 * Whether a refresh that found nothing should still store its new token: a state never written again would hold a
 * position the store eventually forgets (trimmed log, rolled-over oplog), forcing a full rebuild of a quiet organisation.
 */
export function isTokenDue(state: { changeTokenSavedAt?: unknown } | null, now = Date.now()): boolean {
  const savedAt = state?.changeTokenSavedAt;
  return !(savedAt instanceof Date) || now - savedAt.getTime() >= QUIET_TOKEN_SAVE_MS;
}

export type PersonaChanges = { historyLost: true } | { historyLost: false; touched: ObjectId[]; token: string };

/**
 * The personas touched after `token`, and the token to resume from next time; `historyLost` when the store no
 * longer holds the changes after it (then the caller rebuilds from a full scan).
 */
export async function personasChangedSince(store: Store, organisation: ObjectId, token: string): Promise<PersonaChanges> {
  const written = new Map<string, Map<string, unknown>>(SOURCES.map(({ collection }) => [collection, new Map()]));
  let position = token;
  for (;;) {
    const batch = await store.changesSince(
      SOURCES.map(({ collection }) => collection),
      organisation,
      position,
    );
    if ('historyLost' in batch) return { historyLost: true };
    // A document written many times is read back once.
    for (const change of batch.changes) written.get(change.collection)?.set(String(change.id), change.id);
    position = batch.token;
    if (!batch.hasMore) break;
  }
  const touched = new Map<string, ObjectId>();
  for (const { collection, personasOf } of SOURCES) {
    const ids = [...written.get(collection)!.values()];
    for (let start = 0; start < ids.length; start += READ_BACK) {
      const docs = await store.collection(collection).find(
        // Hinted: by primary key, whatever compound index also starts with `organisation`.
        { organisation, _id: { $in: ids.slice(start, start + READ_BACK) } },
        { projection: PERSONA_FIELDS, hint: { _id: 1 } },
      );
      for (const doc of docs) for (const persona of personasOf(doc)) if (persona) touched.set(persona.toHexString(), persona);
    }
  }
  // A persona document that is gone still needs its keys removed: its id is the persona.
  for (const id of written.get(COLLECTIONS.personas)!.values()) touched.set(String(id), id as ObjectId);
  return { historyLost: false, touched: [...touched.values()], token: position };
}
