// Duplicate suggestions: pairs of live personas that share match keys, with a score and the reasons. One persona's
// suggestions are an index lookup on its keys; the organisation-wide list is a paginated read of the stored pairs
// (duplicate-pairs.ts), which each refresh brings up to date for the personas that changed since the last one.
// Dismissed pairs ("not a duplicate") and merged or deleted personas are never suggested; what is shown is checked
// against the current data first (see verify).
import { ObjectId } from 'bson';
import { COLLECTIONS, type PersonaDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { identityError } from '../../core/errors/api-error.ts';
import type { MergeService } from '../merges/merge.service.ts';
import {
  computeKeys,
  holdersOf,
  refreshDuplicateIndex,
  reindexPersonas,
  type DuplicateKeyDoc,
  type RefreshedPersonas,
} from './duplicate-index.ts';
import {
  DUPLICATE_PAIRS_COLLECTION,
  addGroup,
  groupByKey,
  pairKey,
  rebuildPairs,
  refreshPairsOf,
  scorePairs,
  toPairView,
  type DuplicatePair,
  type DuplicatePairDoc,
} from './duplicate-pairs.ts';

export interface DuplicatesServiceOptions {
  store: Store;
  /** Attribute keys whose equal values mark the same person (e.g. an employee number). */
  identifyingAttributes?: string[];
  /** Keys shared by more personas than this are too common to suggest (a popular name); default 50. */
  maxGroupSize?: number;
  /** Auto-merge of certain matches (off by default); needs the merge service. */
  autoMergeCertain?: boolean;
  mergeService?: MergeService;
}

export type { DuplicatePair, DuplicateReason } from './duplicate-pairs.ts';

export type DuplicatesService = ReturnType<typeof createDuplicatesService>;

export function createDuplicatesService(options: DuplicatesServiceOptions) {
  const { store } = options;
  const identifying = new Set(options.identifyingAttributes ?? []);
  const maxGroupSize = options.maxGroupSize ?? 50;
  const dismissals = store.collection(COLLECTIONS.duplicateDismissals);

  const pairsCollection = store.collection<DuplicatePairDoc & { _id: ObjectId }>(DUPLICATE_PAIRS_COLLECTION);

  async function followKeys(organisation: ObjectId, refreshed: RefreshedPersonas): Promise<void> {
    if (refreshed.isFull) return rebuildPairs(store, organisation, maxGroupSize, refreshed.sharedKeys);
    for (let start = 0; start < refreshed.touched.length; start += 1000) {
      await refreshPairsOf(store, organisation, refreshed.touched.slice(start, start + 1000), maxGroupSize);
    }
  }

  const refresh = (organisation: ObjectId) =>
    refreshDuplicateIndex(store, organisation, identifying, (refreshed) => followKeys(organisation, refreshed));

  /**
   * Deletions (a persona deleted outside merges and erasure, an identifier or attribute removed) leave no updatedAt
   * for a refresh to find. So the personas of whatever is about to be shown have their keys recomputed from their
   * current data; where any differ, their index entries and pairs are corrected first. Answers the current keys,
   * and whether anything had to be corrected.
   */
  async function verify(organisation: ObjectId, candidates: ObjectId[]): Promise<{ current: DuplicateKeyDoc[]; isCorrected: boolean }> {
    const ids = [...new Map(candidates.map((id) => [id.toHexString(), id])).values()];
    const current: DuplicateKeyDoc[] = [];
    let isCorrected = false;
    for (let start = 0; start < ids.length; start += 1000) {
      const reindexed = await reindexPersonas(store, organisation, ids.slice(start, start + 1000), identifying);
      current.push(...reindexed.current);
      if (reindexed.changed.length > 0) {
        await refreshPairsOf(store, organisation, reindexed.changed, maxGroupSize);
        isCorrected = true;
      }
    }
    return { current, isCorrected };
  }

  return {
    refresh,

    /**
     * Suggestions for one persona, computed from its current data and that of the personas the index says share
     * a key with it (so nothing deleted since the last refresh is suggested).
     */
    async suggestionsFor(organisation: ObjectId, personaId: ObjectId): Promise<DuplicatePair[]> {
      const persona = await store
        .collection<PersonaDoc>(COLLECTIONS.personas)
        .findOne({ _id: personaId, organisation }, { projection: { _id: 1, mergedInto: 1 } });
      if (!persona) throw identityError('personas.persona_not_found', `persona ${personaId.toHexString()} not found`);
      await refresh(organisation);
      const own = await computeKeys(store, organisation, [personaId], identifying);
      if (own.length === 0) return [];
      const held = await holdersOf(
        store,
        organisation,
        own.map((doc) => doc.key),
        personaId,
      );
      // Keys held by more personas than a group may have pair nobody: their holders need not be read.
      const holders = new Map<string, number>();
      for (const doc of held) holders.set(doc.key, (holders.get(doc.key) ?? 0) + 1);
      const candidates = held.filter((doc) => (holders.get(doc.key) ?? 0) < maxGroupSize).map((doc) => doc.persona);
      const ownKeys = new Set(own.map((doc) => doc.key));
      const others = (await verify(organisation, candidates)).current.filter((doc) => ownKeys.has(doc.key));
      const pairs = new Map<string, DuplicatePair>();
      for (const group of groupByKey([...own, ...others]).values()) addGroup(pairs, group, maxGroupSize);
      return scorePairs(store, organisation, pairs);
    },

    /** Suggested pairs of the organisation, best first (score, then persona ids); a page when limit is given. */
    async listDuplicates(
      organisation: ObjectId,
      { minScore = 0, limit, offset = 0 }: { minScore?: number; limit?: number; offset?: number } = {},
    ): Promise<DuplicatePair[]> {
      await refresh(organisation);
      for (;;) {
        const docs = await pairsCollection.find(
          { organisation, score: { $gte: minScore } },
          { sort: { organisation: 1, score: -1, pair: 1 }, skip: offset, ...(limit === undefined ? {} : { limit }) },
        );
        // A corrected page is read again: pairs were removed or rescored, others may have moved into it.
        if (
          !(
            await verify(
              organisation,
              docs.flatMap((doc) => doc.personas),
            )
          ).isCorrected
        )
          return docs.map(toPairView);
      }
    },

    /** Marks pairs as "not a duplicate"; they are never suggested again. */
    async dismiss(organisation: ObjectId, pairs: Array<[ObjectId, ObjectId]>, actor: string): Promise<number> {
      const now = new Date();
      for (const [index, [a, b]] of pairs.entries()) {
        if (a.equals(b))
          throw identityError('duplicates.invalid_pair', 'a pair names two different personas', [
            { path: `pairs[${index}]`, code: 'duplicates.invalid_pair', message: 'names the same persona twice' },
          ]);
      }
      const ids = pairs.flat();
      const found = await store.collection(COLLECTIONS.personas).countDocuments({ organisation, _id: { $in: ids } });
      if (found !== new Set(ids.map((id) => id.toHexString())).size)
        throw identityError('personas.persona_not_found', 'a persona of the pairs was not found');
      if (pairs.length === 0) return 0;
      await pairsCollection.deleteMany({ organisation, pair: { $in: pairs.map(([a, b]) => pairKey(a.toHexString(), b.toHexString())) } });
      await dismissals.bulkWrite(
        pairs.map(([a, b]) => {
          const pair = pairKey(a.toHexString(), b.toHexString());
          return {
            updateOne: {
              filter: { organisation, pair },
              update: { $setOnInsert: { personas: [a, b], actor, createdAt: now } },
              upsert: true,
            },
          };
        }),
        { ordered: false },
      );
      return pairs.length;
    },

    /** Whether the auto-merge rules are on (AUTO_MERGE_CERTAIN). */
    isAutoMergeOn: Boolean(options.autoMergeCertain && options.mergeService),

    /** When enabled, merges every certain pair (the older persona is kept), recorded as merges by `auto-merge`. */
    async applyAutoMerges(organisation: ObjectId): Promise<string[]> {
      if (!options.autoMergeCertain || !options.mergeService) return [];
      const merged: string[] = [];
      for (const pair of await this.listDuplicates(organisation)) {
        if (!pair.isCertain) continue;
        const [target, source] = pair.personas
          .map((id) => new ObjectId(id))
          .sort((x, y) => x.getTimestamp().getTime() - y.getTimestamp().getTime() || x.toHexString().localeCompare(y.toHexString()));
        try {
          merged.push(
            (await options.mergeService.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'auto-merge' })).id,
          );
        } catch (error) {
          // A persona of an earlier pair in this pass may already be merged away: skip it, the next pass sees the new state.
          if (
            !['merges.source_is_tombstone', 'merges.target_is_tombstone', 'merges.merge_in_progress'].includes(
              (error as { code?: string }).code ?? '',
            )
          )
            throw error;
        }
      }
      return merged;
    },
  };
}
