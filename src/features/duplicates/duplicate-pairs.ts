// The suggested pairs, kept in collection personaDuplicatePairs so that the organisation-wide list is an indexed,
// paginated read (score order) instead of a walk of every key. Built once by one walk of the key index in key order
// (personas sharing a key are adjacent), then kept up to date for the personas a refresh touched: their pairs are
// recomputed from the key index and only the difference is written. Dismissed pairs are never stored.
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import { insertManyIgnoringDuplicates, type Store } from '../../store/port.ts';
import { entriesOf, holdersOf, keyDocumentsOfPersonas, type DuplicateKeyDoc } from './duplicate-index.ts';
import { CERTAIN_REASONS, REASON_SCORES, combineScores, reasonOf, type MatchReasonCode } from './duplicate-keys.ts';

export const DUPLICATE_PAIRS_COLLECTION = 'personaDuplicatePairs';

export interface DuplicateReason {
  code: MatchReasonCode;
  detail: string;
}

export interface DuplicatePair {
  personas: [string, string];
  score: number;
  isCertain: boolean;
  reasons: DuplicateReason[];
}

export interface DuplicatePairDoc {
  organisation: ObjectId;
  /** `<lower id>:<higher id>`: unique per organisation, and the tie-breaker of the score order. */
  pair: string;
  personas: [ObjectId, ObjectId];
  score: number;
  isCertain: boolean;
  reasons: DuplicateReason[];
}

export const pairKey = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

export function groupByKey(entries: DuplicateKeyDoc[]): Map<string, DuplicateKeyDoc[]> {
  const byKey = new Map<string, DuplicateKeyDoc[]>();
  for (const entry of entries) {
    const group = byKey.get(entry.key);
    if (group) group.push(entry);
    else byKey.set(entry.key, [entry]);
  }
  return byKey;
}

/** Accumulates one reason per pair of the key's holders (groups larger than maxGroupSize are too common to mean anything). */
export function addGroup(
  pairs: Map<string, DuplicatePair>,
  group: DuplicateKeyDoc[],
  maxGroupSize: number,
  keep: (a: ObjectId, b: ObjectId) => boolean = () => true,
): void {
  if (group.length < 2 || group.length > maxGroupSize) return;
  for (let i = 0; i < group.length; i += 1) {
    for (let j = i + 1; j < group.length; j += 1) {
      const [a, b] = [group[i], group[j]];
      if (a.persona.equals(b.persona) || !keep(a.persona, b.persona)) continue;
      const code = reasonOf(a.key, a.origin, b.origin);
      if (!code) continue;
      const [first, second] = a.persona.toHexString() < b.persona.toHexString() ? [a, b] : [b, a];
      const id = pairKey(first.persona.toHexString(), second.persona.toHexString());
      const pair = pairs.get(id) ?? {
        personas: [first.persona.toHexString(), second.persona.toHexString()],
        score: 0,
        isCertain: false,
        reasons: [],
      };
      // One reason per code; of several keys giving it, the first detail in text order (the same whatever read order).
      const detail = `${first.origin} / ${second.origin}`;
      const same = pair.reasons.find((reason) => reason.code === code);
      if (!same) pair.reasons.push({ code, detail });
      else if (detail < same.detail) same.detail = detail;
      pairs.set(id, pair);
    }
  }
}

/** Scores the pairs and drops dismissed ones; best first. */
export async function scorePairs(store: Store, organisation: ObjectId, pairs: Map<string, DuplicatePair>): Promise<DuplicatePair[]> {
  if (pairs.size === 0) return [];
  const dismissed = new Set<string>();
  const ids = [...pairs.keys()];
  for (let start = 0; start < ids.length; start += 1000) {
    for (const doc of await store
      .collection(COLLECTIONS.duplicateDismissals)
      .find({ organisation, pair: { $in: ids.slice(start, start + 1000) } }, { projection: { pair: 1 } })) {
      dismissed.add(doc.pair as string);
    }
  }
  const result = [...pairs.entries()]
    .filter(([id]) => !dismissed.has(id))
    .map(([, pair]) => {
      const codes = pair.reasons.map((reason) => reason.code);
      // Strongest reason first, whatever order the keys were read in (a build and a refresh read them differently).
      const reasons = [...pair.reasons].sort((x, y) => REASON_SCORES[y.code] - REASON_SCORES[x.code] || x.code.localeCompare(y.code));
      return { ...pair, reasons, score: combineScores(codes), isCertain: codes.some((code) => CERTAIN_REASONS.has(code)) };
    });
  return result.sort(
    (x, y) => y.score - x.score || x.personas[0].localeCompare(y.personas[0]) || x.personas[1].localeCompare(y.personas[1]),
  );
}

function toDoc(organisation: ObjectId, pair: DuplicatePair): DuplicatePairDoc {
  return {
    organisation,
    pair: pairKey(pair.personas[0], pair.personas[1]),
    personas: [new ObjectId(pair.personas[0]), new ObjectId(pair.personas[1])],
    score: pair.score,
    isCertain: pair.isCertain,
    reasons: pair.reasons,
  };
}

export function toPairView(doc: DuplicatePairDoc): DuplicatePair {
  return {
    personas: [doc.personas[0].toHexString(), doc.personas[1].toHexString()],
    score: doc.score,
    isCertain: doc.isCertain,
    reasons: doc.reasons,
  };
}

/**
 * Recomputes every pair of the organisation (first build, or a change of identifying attributes) from the holders
 * of the keys the build found shared; keys held by more than maxGroupSize personas are skipped unread.
 */
export async function rebuildPairs(
  store: Store,
  organisation: ObjectId,
  maxGroupSize: number,
  sharedKeys: Map<string, number>,
): Promise<void> {
  const wanted = [...sharedKeys].filter(([, held]) => held <= maxGroupSize).map(([key]) => key);
  const pairs = new Map<string, DuplicatePair>();
  for (const group of groupByKey(await holdersOf(store, organisation, wanted)).values()) addGroup(pairs, group, maxGroupSize);
  const collection = store.collection<DuplicatePairDoc>(DUPLICATE_PAIRS_COLLECTION);
  await collection.deleteMany({ organisation });
  const scored = await scorePairs(store, organisation, pairs);
  for (let start = 0; start < scored.length; start += 5000) {
    await insertManyIgnoringDuplicates(
      collection,
      scored.slice(start, start + 5000).map((pair) => toDoc(organisation, pair)),
    );
  }
}

/** Recomputes the pairs of these personas (their keys are up to date in the index) and writes the difference. */
export async function refreshPairsOf(store: Store, organisation: ObjectId, personaIds: ObjectId[], maxGroupSize: number): Promise<void> {
  if (personaIds.length === 0) return;
  const collection = store.collection<DuplicatePairDoc & { _id: ObjectId }>(DUPLICATE_PAIRS_COLLECTION);
  const touched = new Set(personaIds.map((id) => id.toHexString()));
  const own = entriesOf(await keyDocumentsOfPersonas(store, organisation, personaIds));
  const holders = await holdersOf(store, organisation, [...new Set(own.map((doc) => doc.key))]);
  const pairs = new Map<string, DuplicatePair>();
  for (const group of groupByKey(holders).values())
    addGroup(pairs, group, maxGroupSize, (a, b) => touched.has(a.toHexString()) || touched.has(b.toHexString()));
  const wanted = new Map(
    (await scorePairs(store, organisation, pairs)).map((pair) => [pairKey(pair.personas[0], pair.personas[1]), toDoc(organisation, pair)]),
  );
  const held = await collection.find({ organisation, personas: { $in: personaIds } });
  const same = (a: DuplicatePairDoc, b: DuplicatePairDoc) => a.score === b.score && JSON.stringify(a.reasons) === JSON.stringify(b.reasons);
  const stale = held.filter((doc) => {
    const next = wanted.get(doc.pair);
    if (next && same(next, doc)) {
      wanted.delete(doc.pair);
      return false;
    }
    return true;
  });
  if (stale.length > 0) await collection.deleteMany({ organisation, _id: { $in: stale.map((doc) => doc._id) } });
  await insertManyIgnoringDuplicates(collection, [...wanted.values()]);
}
