// Duplicate suggestions: pairs of live personas that share match keys, with a score and the reasons. One persona's
// suggestions are an index lookup on its keys; the organisation-wide list is one walk of the key index in key order
// (personas sharing a key are adjacent), so its cost grows with the number of keys, not with pairs of personas.
// Dismissed pairs ("not a duplicate") and merged personas (tombstones have no keys) are never suggested.
import { ObjectId } from 'bson';
import { COLLECTIONS, type PersonaDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { identityError } from '../merges/identity-error.ts';
import type { MergeService } from '../merges/merge.service.ts';
import { computeKeys, refreshDuplicateIndex, type DuplicateKeyDoc } from './duplicate-index.ts';
import { CERTAIN_REASONS, DUPLICATE_KEYS_COLLECTION, combineScores, reasonOf, type MatchReasonCode } from './duplicate-keys.ts';

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

export type DuplicatesService = ReturnType<typeof createDuplicatesService>;

const pairKey = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

export function createDuplicatesService(options: DuplicatesServiceOptions) {
  const { store } = options;
  const identifying = new Set(options.identifyingAttributes ?? []);
  const maxGroupSize = options.maxGroupSize ?? 50;
  const keys = store.collection<DuplicateKeyDoc>(DUPLICATE_KEYS_COLLECTION);
  const dismissals = store.collection(COLLECTIONS.duplicateDismissals);

  /** Accumulates reasons per pair; a key adds one reason per pair of its holders. */
  function addGroup(pairs: Map<string, DuplicatePair>, group: DuplicateKeyDoc[]): void {
    if (group.length < 2 || group.length > maxGroupSize) return;
    for (let i = 0; i < group.length; i += 1) {
      for (let j = i + 1; j < group.length; j += 1) {
        const [a, b] = [group[i], group[j]];
        if (a.persona.equals(b.persona)) continue;
        const code = reasonOf(a.key, a.origin, b.origin);
        if (!code) continue;
        const [first, second] = a.persona.toHexString() < b.persona.toHexString() ? [a, b] : [b, a];
        const id = pairKey(first.persona.toHexString(), second.persona.toHexString());
        const pair = pairs.get(id) ?? { personas: [first.persona.toHexString(), second.persona.toHexString()], score: 0, isCertain: false, reasons: [] };
        if (!pair.reasons.some((reason) => reason.code === code)) pair.reasons.push({ code, detail: `${first.origin} / ${second.origin}` });
        pairs.set(id, pair);
      }
    }
  }

  async function finish(organisation: ObjectId, pairs: Map<string, DuplicatePair>): Promise<DuplicatePair[]> {
    if (pairs.size === 0) return [];
    const dismissed = new Set<string>();
    for await (const doc of dismissals.iterate({ organisation, pair: { $in: [...pairs.keys()] } }, { projection: { pair: 1 } })) dismissed.add(doc.pair);
    const result = [...pairs.entries()].filter(([id]) => !dismissed.has(id)).map(([, pair]) => {
      const codes = pair.reasons.map((reason) => reason.code);
      return { ...pair, score: combineScores(codes), isCertain: codes.some((code) => CERTAIN_REASONS.has(code)) };
    });
    return result.sort((x, y) => y.score - x.score || x.personas[0].localeCompare(y.personas[0]) || x.personas[1].localeCompare(y.personas[1]));
  }

  return {
    refresh: (organisation: ObjectId) => refreshDuplicateIndex(store, organisation, identifying),

    /** Suggestions for one persona, computed from its current data (the others' keys come from the index). */
    async suggestionsFor(organisation: ObjectId, personaId: ObjectId): Promise<DuplicatePair[]> {
      const persona = await store.collection<PersonaDoc>(COLLECTIONS.personas).findOne({ _id: personaId, organisation }, { projection: { _id: 1, mergedInto: 1 } });
      if (!persona) throw identityError('personas.persona_not_found', `persona ${personaId.toHexString()} not found`);
      await refreshDuplicateIndex(store, organisation, identifying);
      const own = await computeKeys(store, organisation, [personaId], identifying);
      if (own.length === 0) return [];
      const others = await keys.find({ organisation, key: { $in: own.map((doc) => doc.key) }, persona: { $ne: personaId } });
      const byKey = new Map<string, DuplicateKeyDoc[]>();
      for (const doc of [...own, ...others]) byKey.set(doc.key, [...(byKey.get(doc.key) ?? []), doc]);
      const pairs = new Map<string, DuplicatePair>();
      for (const group of byKey.values()) addGroup(pairs, group);
      return finish(organisation, pairs);
    },

    /** Every suggested pair of the organisation, best first. */
    async listDuplicates(organisation: ObjectId, { minScore = 0 }: { minScore?: number } = {}): Promise<DuplicatePair[]> {
      await refreshDuplicateIndex(store, organisation, identifying);
      const pairs = new Map<string, DuplicatePair>();
      let group: DuplicateKeyDoc[] = [];
      for await (const doc of keys.iterate({ organisation }, { sort: { organisation: 1, key: 1, persona: 1 }, batchSize: 5000 })) {
        if (group.length > 0 && group[0].key !== doc.key) { addGroup(pairs, group); group = []; }
        group.push(doc);
      }
      addGroup(pairs, group);
      return (await finish(organisation, pairs)).filter((pair) => pair.score >= minScore);
    },

    /** Marks pairs as "not a duplicate"; they are never suggested again. */
    async dismiss(organisation: ObjectId, pairs: Array<[ObjectId, ObjectId]>, actor: string): Promise<number> {
      const now = new Date();
      for (const [index, [a, b]] of pairs.entries()) {
        if (a.equals(b)) throw identityError('duplicates.invalid_pair', 'a pair names two different personas', [{ path: `pairs[${index}]`, code: 'duplicates.invalid_pair', message: 'names the same persona twice' }]);
      }
      const ids = pairs.flat();
      const found = await store.collection(COLLECTIONS.personas).countDocuments({ organisation, _id: { $in: ids } });
      if (found !== new Set(ids.map((id) => id.toHexString())).size) throw identityError('personas.persona_not_found', 'a persona of the pairs was not found');
      if (pairs.length === 0) return 0;
      await dismissals.bulkWrite(pairs.map(([a, b]) => {
        const pair = pairKey(a.toHexString(), b.toHexString());
        return { updateOne: { filter: { organisation, pair }, update: { $setOnInsert: { personas: [a, b], actor, createdAt: now } }, upsert: true } };
      }), { ordered: false });
      return pairs.length;
    },

    /** When enabled, merges every certain pair (the older persona is kept), recorded as merges by `auto-merge`. */
    async applyAutoMerges(organisation: ObjectId): Promise<string[]> {
      if (!options.autoMergeCertain || !options.mergeService) return [];
      const merged: string[] = [];
      for (const pair of await this.listDuplicates(organisation)) {
        if (!pair.isCertain) continue;
        const [target, source] = pair.personas.map((id) => new ObjectId(id)).sort((x, y) => x.getTimestamp().getTime() - y.getTimestamp().getTime() || x.toHexString().localeCompare(y.toHexString()));
        try {
          merged.push((await options.mergeService.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'auto-merge' })).id);
        } catch (error) {
          // A persona of an earlier pair in this pass may already be merged away: skip it, the next pass sees the new state.
          if (!['merges.source_is_tombstone', 'merges.target_is_tombstone', 'merges.merge_in_progress'].includes((error as { code?: string }).code ?? '')) throw error;
        }
      }
      return merged;
    },
  };
}
