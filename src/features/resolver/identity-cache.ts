// A per-process identifier → persona cache for bulk resolution (`persona ingest`): a learner seen before costs no
// store read. Entries are trusted only while the store-wide identity epoch (store/identity-epoch.ts) is the one read
// before they were read from the store: any merge, move, erasure or identifier change finished in any process bumps
// it after writing, so the next batch's sync() sees the new epoch and forgets everything (one read by _id per batch).
import type { ObjectId } from 'bson';
import { readIdentityEpoch } from '../../store/identity-epoch.ts';
import type { Store } from '../../store/port.ts';

export interface CachedIdentifier {
  identifierId: ObjectId;
  /** The live persona when it was read. */
  personaId: ObjectId;
}

export interface IdentityCache {
  /** Reads the epoch and forgets every entry when it moved; returns it (pass it to remember). Call before reading. */
  sync(): Promise<number>;
  get(organisation: ObjectId, canonicalKey: string): CachedIdentifier | undefined;
  /** Kept only when `epoch` (what sync returned before the answer was read) is still the cache's. */
  remember(organisation: ObjectId, canonicalKey: string, identifier: CachedIdentifier, epoch: number): void;
}

/** Enough for every learner of a large ingest; past it the cache starts over rather than grow without bound. */
export const MAX_CACHED_IDENTIFIERS = 1_000_000;

export function createIdentityCache(store: Store, maxEntries = MAX_CACHED_IDENTIFIERS): IdentityCache {
  let entries = new Map<string, CachedIdentifier>();
  let epoch = -1;
  const keyOf = (organisation: ObjectId, canonicalKey: string) => `${organisation.toHexString()} ${canonicalKey}`;
  return {
    async sync() {
      const current = await readIdentityEpoch(store);
      if (current !== epoch) {
        entries = new Map();
        epoch = current;
      }
      return current;
    },
    get: (organisation, canonicalKey) => entries.get(keyOf(organisation, canonicalKey)),
    remember(organisation, canonicalKey, identifier, readAt) {
      if (readAt !== epoch) return;
      if (entries.size >= maxEntries) entries = new Map();
      entries.set(keyOf(organisation, canonicalKey), { identifierId: identifier.identifierId, personaId: identifier.personaId });
    },
  };
}
