// The organisation's identity figures that are plain counts, each on an index (store/indexes.ts): live personas and
// merge tombstones (organisation, mergedInto), identifiers per kind (organisation, ifi.key, ifi.value), open duplicate
// suggestions (organisation, score, pair). Cheap at any size: no persona or identifier is read (blocked identifiers
// are one small tally document per day, features/identity-rules/blocked-tally.ts).
import { ObjectId } from 'bson';
import { COLLECTIONS, type IfiKey } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { DUPLICATE_PAIRS_COLLECTION } from '../duplicates/duplicate-pairs.ts';
import { countBlockedIdentifiers } from '../identity-rules/blocked-tally.ts';

export const IFI_KINDS: IfiKey[] = ['mbox', 'mbox_sha1sum', 'openid', 'account'];

/**
 * Tombstones, as a range on the (organisation, mergedInto) index: `$exists: true` is answered by walking every
 * persona of the organisation on the embedded engine, the range only the tombstones (the lowest ObjectId is below
 * every id a merge writes).
 */
export const MERGED_PERSONAS = { mergedInto: { $gte: new ObjectId('000000000000000000000000') } };

export interface IdentityCounts {
  personas: number;
  mergedPersonas: number;
  identifiers: number;
  identifiersByKind: Record<IfiKey, number>;
  /** Suggested duplicate pairs not merged or dismissed (dismissed pairs are never stored). */
  duplicateSuggestionsOpen: number;
  /** Identifiers refused by the organisation's blocked values (guard rails, issue 15), as the refusing paths recorded them. */
  blockedIdentifiers: number;
}

export async function identityCounts(store: Store, organisation: ObjectId): Promise<IdentityCounts> {
  const personas = store.collection(COLLECTIONS.personas);
  const identifiers = store.collection(COLLECTIONS.identifiers);
  const [blocked, all, merged, suggestions, ...byKind] = await Promise.all([
    countBlockedIdentifiers(store, organisation),
    personas.countDocuments({ organisation }),
    personas.countDocuments({ organisation, ...MERGED_PERSONAS }),
    store.collection(DUPLICATE_PAIRS_COLLECTION).countDocuments({ organisation }),
    ...IFI_KINDS.map((kind) => identifiers.countDocuments({ organisation, 'ifi.key': kind })),
  ]);
  const identifiersByKind = Object.fromEntries(IFI_KINDS.map((kind, index) => [kind, byKind[index]])) as Record<IfiKey, number>;
  return {
    personas: all - merged,
    mergedPersonas: merged,
    identifiers: byKind.reduce((sum, count) => sum + count, 0),
    identifiersByKind,
    duplicateSuggestionsOpen: suggestions,
    blockedIdentifiers: blocked,
  };
}

/** Share of personas ever created that were found to be somebody else (merged away): tombstones / all. */
export function deduplicationRate(live: number, merged: number): number {
  const all = live + merged;
  return all === 0 ? 0 : merged / all;
}
