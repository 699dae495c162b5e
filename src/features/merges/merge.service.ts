// Merging personas: validation and refusals, the intent record, and the guard against two merges touching the same
// personas at once (each writes its record, then looks for the other's: at least one of two racing merges sees the
// other and steps back, so no two tombstones can point at each other). The writes themselves are merge-steps.ts.
import { ObjectId } from 'bson';
import { COLLECTIONS, type PersonaDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { assertMergeWithinRules, assertUndoWithinRules, findMergeRuleRefusal } from '../identity-rules/merge-guard.ts';
import { identityError, type ErrorDetail } from '../../core/errors/api-error.ts';
import { completeMergeEffects, type AfterMergeChange } from './merge-effects.ts';
import { mergeView, mergeViews, mergesOf, toMergeView, type MergeRecordDoc, type MergeView } from './merge-record.ts';
import { emptyMoves, readMovesOf } from './merge-moves.ts';
import { previewMergeMoves } from './merge-preview.ts';
import { applyMergeSteps, type MergeStepHook } from './merge-steps.ts';
import { MERGE_LEASE_MS, newLease, whileLeased } from './merge-lease.ts';
import { applyUndoSteps, findUndoConflicts } from './merge-undo.ts';

export interface MergeRequest {
  organisation: ObjectId;
  targetId: ObjectId;
  sourceIds: ObjectId[];
  /** Who asked: API client id (hex), `cli`, `import`, `auto-merge`. */
  actor: string;
}

export interface MergeServiceOptions {
  store: Store;
  /** Test hook: called after each step (kill-between-steps tests). */
  onStep?: MergeStepHook;
  /**
   * Called after a merge or undo is applied (statement write-back re-stamps, events: afterMergeChangeOf); failures do
   * not undo it, and leave it for recovery to run again.
   */
  afterChange?: AfterMergeChange;
  /** How long a merge's lease lasts without renewal (merge-lease.ts); tests shorten it. */
  leaseMs?: number;
}

export interface MergeListQuery {
  organisation: ObjectId;
  persona?: ObjectId;
  limit?: number;
  offset?: number;
}

export type MergeService = ReturnType<typeof createMergeService>;

export function createMergeService({ store, onStep, afterChange, leaseMs = MERGE_LEASE_MS }: MergeServiceOptions) {
  const personas = store.collection<PersonaDoc>(COLLECTIONS.personas);
  const merges = mergesOf(store);

  /** The refusals that do not depend on the identity rules: sources given, none the target, all live personas. */
  async function validatePersonas(request: MergeRequest): Promise<ObjectId[]> {
    const sources = dedupe(request.sourceIds);
    if (sources.length === 0)
      throw identityError('merges.no_sources', 'from must name at least one persona', [
        { path: 'from', code: 'merges.no_sources', message: 'is empty' },
      ]);
    if (sources.some((id) => id.equals(request.targetId))) {
      throw identityError('merges.merge_into_itself', `persona ${request.targetId.toHexString()} cannot be merged into itself`);
    }
    const found = await personas.find(
      { _id: { $in: [request.targetId, ...sources] }, organisation: request.organisation },
      { projection: { _id: 1, mergedInto: 1 } },
    );
    const byId = new Map(found.map((persona) => [persona._id.toHexString(), persona]));
    const target = byId.get(request.targetId.toHexString());
    if (!target) throw identityError('personas.persona_not_found', `persona ${request.targetId.toHexString()} not found`);
    if (target.mergedInto) {
      throw identityError(
        'merges.target_is_tombstone',
        `persona ${request.targetId.toHexString()} was merged into ${target.mergedInto.toHexString()}; merge into that persona instead`,
      );
    }
    for (const [index, id] of sources.entries()) {
      const source = byId.get(id.toHexString());
      if (!source)
        throw identityError('personas.persona_not_found', `persona ${id.toHexString()} not found`, [
          { path: `from[${index}]`, code: 'personas.persona_not_found', message: 'not found' },
        ]);
      if (source.mergedInto) {
        throw identityError(
          'merges.source_is_tombstone',
          `persona ${id.toHexString()} was already merged into ${source.mergedInto.toHexString()}`,
          [{ path: `from[${index}]`, code: 'merges.source_is_tombstone', message: 'already merged' }],
        );
      }
    }
    return sources;
  }

  async function validate(request: MergeRequest): Promise<ObjectId[]> {
    const sources = await validatePersonas(request);
    await assertMergeWithinRules(store, request.organisation, request.targetId, sources);
    return sources;
  }

  /** The identifier ids an undo gives back to each source (the journal of the merge). */
  async function restoredIdentifiers(record: MergeRecordDoc): Promise<Map<ObjectId, ObjectId[]>> {
    const { identifiers } = await readMovesOf(store, record, ['identifiers']);
    return new Map(
      record.sources.map((source) => [source, identifiers.filter((entry) => entry.source.equals(source)).map((entry) => entry._id)]),
    );
  }

  /** Another merge or undo in flight that touches one of these personas (other than `self`). */
  async function findConcurrent(organisation: ObjectId, ids: ObjectId[], self: ObjectId): Promise<MergeRecordDoc | null> {
    return merges.findOne({
      organisation,
      _id: { $ne: self },
      state: { $in: ['intent', 'pending', 'undoing'] },
      $or: [{ target: { $in: ids } }, { sources: { $in: ids } }],
    });
  }

  async function finish(record: MergeRecordDoc): Promise<MergeView> {
    await completeMergeEffects(store, record, afterChange);
    return mergeView(store, record);
  }

  /** The concurrency guard, then the steps; runs while this process holds the record's lease. */
  async function guardAndApply(request: MergeRequest, record: MergeRecordDoc): Promise<MergeView> {
    await onStep?.('intent');
    const rival = await findConcurrent(request.organisation, [request.targetId, ...record.sources], record._id);
    if (rival) {
      await merges.updateOne(
        { _id: record._id, organisation: record.organisation },
        { $set: { state: 'refused', reason: `merge ${rival._id.toHexString()} in progress`, updatedAt: new Date() } },
      );
      throw identityError('merges.merge_in_progress', `merge ${rival._id.toHexString()} involving these personas is in progress; retry`);
    }
    // Re-check after the guard: a merge that completed between validation and the guard changed the picture.
    try {
      await validate(request);
    } catch (error) {
      await merges.updateOne(
        { _id: record._id, organisation: record.organisation },
        { $set: { state: 'refused', reason: (error as Error).message, updatedAt: new Date() } },
      );
      throw error;
    }
    const started = await merges.updateOne(
      { _id: record._id, organisation: record.organisation, state: 'intent' },
      { $set: { state: 'pending', updatedAt: new Date() } },
    );
    // Only recovery moves an intent elsewhere (abandoned, after the lease expired): nothing was merged, say so.
    if (started.matchedCount === 0)
      throw identityError(
        'merges.merge_in_progress',
        `merge ${record._id.toHexString()} was taken over by recovery before it started; retry`,
      );
    await onStep?.('pending');
    return finish(await applyMergeSteps(store, record._id, onStep));
  }

  return {
    async mergePersonas(request: MergeRequest): Promise<MergeView> {
      const sources = await validate(request);
      const now = new Date();
      const lease = newLease(leaseMs);
      const record: MergeRecordDoc = {
        _id: new ObjectId(),
        organisation: request.organisation,
        target: request.targetId,
        sources,
        actor: request.actor,
        state: 'intent',
        createdAt: now,
        updatedAt: now,
        ...lease,
      };
      await merges.insertOne(record);
      return whileLeased(store, record, lease, leaseMs, () => guardAndApply(request, record));
    },

    /**
     * The dry run of mergePersonas: what would move, nothing written. The refusals of the request itself (unknown
     * personas, tombstones) are thrown as the merge throws them; a rule the merge would break is reported in
     * `refusals` (code, rule, message), so a caller sees what would move and what would stop it in one answer.
     */
    async previewMerge(request: MergeRequest) {
      const sources = await validatePersonas(request);
      const refusal = await findMergeRuleRefusal(store, request.organisation, request.targetId, sources);
      const moves = await previewMergeMoves(store, request.organisation, request.targetId, sources);
      const now = new Date();
      const {
        target,
        sources: sourceIds,
        movedCounts,
        moved,
      } = toMergeView(
        {
          _id: request.targetId,
          organisation: request.organisation,
          target: request.targetId,
          sources,
          actor: request.actor,
          state: 'intent',
          createdAt: now,
          updatedAt: now,
        },
        { ...emptyMoves(), ...moves },
      );
      const refusals = refusal ? [{ code: refusal.error.code, rule: refusal.rule, message: refusal.error.message }] : [];
      return { dryRun: true as const, target, sources: sourceIds, movedCounts, moved, refusals };
    },

    async undoMerge({ organisation, mergeId, actor }: { organisation: ObjectId; mergeId: ObjectId; actor: string }): Promise<MergeView> {
      const record = await merges.findOne({ _id: mergeId, organisation });
      if (!record) throw identityError('merges.merge_not_found', `merge ${mergeId.toHexString()} not found`);
      if (record.state !== 'applied' || record.erasedAt) {
        throw identityError(
          'merges.merge_not_applied',
          `merge ${mergeId.toHexString()} is ${record.erasedAt ? 'erased' : record.state} and cannot be undone`,
        );
      }
      const rival = await findConcurrent(organisation, [record.target, ...record.sources], record._id);
      if (rival)
        throw identityError('merges.merge_in_progress', `merge ${rival._id.toHexString()} involving these personas is in progress; retry`);
      const conflicts = await findUndoConflicts(store, record);
      if (conflicts.length > 0) {
        throw identityError(
          'merges.undo_conflict',
          `merge ${mergeId.toHexString()} cannot be undone: ${conflicts.length} item(s) changed since`,
          listedConflicts(conflicts),
        );
      }
      await assertUndoWithinRules(store, organisation, await restoredIdentifiers(record));
      const lease = newLease(leaseMs);
      const claimed = await merges.findOneAndUpdate(
        { _id: mergeId, organisation, state: 'applied' },
        { $set: { state: 'undoing', undoneBy: actor, updatedAt: new Date(), ...lease } },
        { returnDocument: 'after' },
      );
      if (!claimed) throw identityError('merges.merge_not_applied', `merge ${mergeId.toHexString()} is being undone already`);
      return whileLeased(store, claimed, lease, leaseMs, async () => finish(await applyUndoSteps(store, mergeId, onStep)));
    },

    async getMerge(organisation: ObjectId, mergeId: ObjectId): Promise<MergeView> {
      const record = await merges.findOne({ _id: mergeId, organisation });
      if (!record) throw identityError('merges.merge_not_found', `merge ${mergeId.toHexString()} not found`);
      return mergeView(store, record);
    },

    /** Newest first; `persona` matches the target or any source. */
    async listMerges(query: MergeListQuery): Promise<{ data: MergeView[]; total: number }> {
      const filter: Record<string, unknown> = { organisation: query.organisation };
      if (query.persona) filter.$or = [{ target: query.persona }, { sources: query.persona }];
      const [records, total] = await Promise.all([
        merges.find(filter, { sort: { createdAt: -1, _id: -1 }, skip: query.offset ?? 0, limit: query.limit ?? 20 }),
        merges.countDocuments(filter),
      ]);
      return { data: await mergeViews(store, query.organisation, records), total };
    },
  };
}

function dedupe(ids: ObjectId[]): ObjectId[] {
  const seen = new Set<string>();
  return ids.filter((id) => !seen.has(id.toHexString()) && seen.add(id.toHexString()));
}

/** At most this many changes are named in a refused undo (a merge may have moved hundreds of thousands of items). */
export const LISTED_UNDO_CONFLICTS = 100;

function listedConflicts(conflicts: ErrorDetail[]): ErrorDetail[] {
  if (conflicts.length <= LISTED_UNDO_CONFLICTS) return conflicts;
  const rest = conflicts.length - LISTED_UNDO_CONFLICTS;
  return [
    ...conflicts.slice(0, LISTED_UNDO_CONFLICTS),
    { path: 'conflicts', code: 'merges.more_conflicts', message: `${rest} more changed item(s) not listed` },
  ];
}
