// Which personas a refresh of the duplicate index must look at again: those whose persona document, identifiers or
// attributes were written since the last refresh, and the target and sources of merges and undos written since
// (an undo moves identifiers off the target without writing anything of the target's).
//
// Timestamps are taken before a write commits, so a write can commit with an updatedAt slightly before a refresh
// started and still be missed by it: each refresh also re-reads the OVERLAP_MS before the previous one started.
// Re-indexing those personas again and again would cost every refresh the last seconds of writes (after a burst of
// 1,000 renames, each request re-did them for 5 s). Instead each refresh keeps a digest of exactly what it read in
// the overlap it leaves behind; when the next one reads the same there, nothing in it is new and it is skipped.
import { createHash } from 'node:crypto';
import type { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';

/** Writes commit within this long after taking their updatedAt. */
export const OVERLAP_MS = 5_000;

export interface RefreshMark {
  /** When the refresh started: what was written after it is the next refresh's news. */
  watermark: Date;
  /** Digest of what the refresh read with updatedAt in (watermark - OVERLAP_MS, watermark]; null: unknown. */
  overlapDigest: string | null;
}

/** Where each source of match keys names its persona (merges name several). */
const SOURCES: Array<{ collection: string; personasOf: (doc: Record<string, any>) => ObjectId[] }> = [
  { collection: COLLECTIONS.personas, personasOf: (doc) => [doc._id] },
  { collection: COLLECTIONS.identifiers, personasOf: (doc) => [doc.persona] },
  { collection: COLLECTIONS.attributes, personasOf: (doc) => [doc.personaId] },
  { collection: COLLECTIONS.merges, personasOf: (doc) => [doc.target, ...(doc.sources ?? [])] },
];

const digestOf = (entries: string[]): string => createHash('sha256').update(entries.sort().join('\n')).digest('hex');

/**
 * The personas changed since `previous`, and the mark this refresh leaves (started at `started`). Every source is
 * read from the start of the previous overlap on; the part inside it counts only when it differs from what the
 * previous refresh read there.
 */
export async function changedSince(
  store: Store, organisation: ObjectId, previous: RefreshMark, started: Date,
): Promise<{ touched: ObjectId[]; mark: RefreshMark; isQuiet: boolean }> {
  const since = previous.watermark.getTime() - OVERLAP_MS;
  const nextSince = started.getTime() - OVERLAP_MS;
  const news = new Map<string, ObjectId>();
  const overlap = new Map<string, ObjectId>();
  const seenInOverlap: string[] = [];
  const seenInNextOverlap: string[] = [];
  for (const { collection, personasOf } of SOURCES) {
    for await (const doc of store.collection(collection).iterate(
      { organisation, updatedAt: { $gt: new Date(since) } }, { projection: { _id: 1, persona: 1, personaId: 1, target: 1, sources: 1, updatedAt: 1 } },
    )) {
      const at = (doc.updatedAt as Date).getTime();
      const entry = `${collection}:${(doc._id as ObjectId).toHexString()}:${at}`;
      const into = at <= previous.watermark.getTime() ? overlap : news;
      if (into === overlap) seenInOverlap.push(entry);
      if (at > nextSince && at <= started.getTime()) seenInNextOverlap.push(entry);
      for (const persona of personasOf(doc)) if (persona) into.set(persona.toHexString(), persona);
    }
  }
  const isOverlapKnown = previous.overlapDigest !== null && previous.overlapDigest === digestOf(seenInOverlap);
  const touched = new Map(isOverlapKnown ? news : [...overlap, ...news]);
  return {
    touched: [...touched.values()], mark: { watermark: started, overlapDigest: digestOf(seenInNextOverlap) },
    // Nothing written since the previous overlap began: the previous mark still says all there is to say.
    isQuiet: news.size === 0 && seenInOverlap.length === 0,
  };
}
