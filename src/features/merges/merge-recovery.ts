// Completes merges and undos interrupted by a crash: run at start-up (src/app.ts) and on demand (`persona merges
// recover`). Only records nobody holds a live lease on (merge-lease.ts): another API instance's merge in flight is
// left to it. An `intent` record never got past the concurrency guard, so nothing was written for it: it is abandoned.
// `pending` and `undoing` records are replayed from the start; their steps are idempotent. Applied and undone
// records whose effects (statement write-back, persona events) never ran get them now (merge-effects.ts).
import type { Store } from '../../store/port.ts';
import { completeMergeEffects, type AfterMergeChange } from './merge-effects.ts';
import { newLease, sameOwner, takeableAt, whileLeased } from './merge-lease.ts';
import { mergesOf } from './merge-record.ts';
import { applyMergeSteps, type MergeStepHook } from './merge-steps.ts';
import { applyUndoSteps } from './merge-undo.ts';

export interface RecoveryReport {
  completed: string[];
  undone: string[];
  abandoned: string[];
  /** Merges applied or undone before, whose write-back and event had not run. */
  announced: string[];
}

export interface RecoveryOptions {
  /** Only records untouched for this long, among those nobody holds a lease on. Default 0. */
  staleMs?: number;
  /** Also take records whose owner still holds a lease (an operator who knows that process is dead). */
  takeOverLiveLeases?: boolean;
  /** The clock leases are judged by (tests move it past an expiry). */
  now?: () => Date;
  /** Length of the lease recovery itself holds while it works. */
  leaseMs?: number;
  onStep?: MergeStepHook;
  /** The effects of a merge or undo (afterMergeChangeOf), as the merge service of this process runs them. */
  afterChange?: AfterMergeChange;
}

export async function recoverMerges(store: Store, options: RecoveryOptions = {}): Promise<RecoveryReport> {
  const merges = mergesOf(store);
  const now = options.now?.() ?? new Date();
  const before = new Date(now.getTime() - (options.staleMs ?? 0));
  const takeable = options.takeOverLiveLeases ? {} : takeableAt(now);
  const report: RecoveryReport = { completed: [], undone: [], abandoned: [], announced: [] };
  // Scatter-gather by design (personaMerges stays unsharded): recovery looks at every organisation.
  const stuck = await merges.find(
    { state: { $in: ['intent', 'pending', 'undoing'] }, updatedAt: { $lte: before }, ...takeable },
    { sort: { createdAt: 1 } },
  );
  for (const record of stuck) {
    const id = record._id.toHexString();
    if (record.state === 'intent') {
      const { matchedCount } = await merges.updateOne(
        { ...sameOwner(record), state: 'intent' },
        {
          $set: { state: 'abandoned', reason: 'interrupted before it started', updatedAt: new Date() },
          $unset: { owner: '', leaseUntil: '' },
        },
      );
      if (matchedCount > 0) report.abandoned.push(id);
      continue;
    }
    // Claim it: of two instances recovering at once, one takes the lease and the other skips the record.
    const lease = newLease(options.leaseMs);
    const claimed = await merges.findOneAndUpdate(
      { ...sameOwner(record), state: record.state },
      { $set: lease },
      { returnDocument: 'after' },
    );
    if (!claimed) continue;
    await whileLeased(store, claimed, lease, options.leaseMs, async () => {
      const replay = claimed.state === 'pending' ? applyMergeSteps : applyUndoSteps;
      await completeMergeEffects(store, await replay(store, claimed._id, options.onStep), options.afterChange);
    });
    (claimed.state === 'pending' ? report.completed : report.undone).push(id);
  }
  // By the sparse effectsPending index: a few records at most, whatever the length of the history.
  const unannounced = await merges.find({ effectsPending: true, updatedAt: { $lte: before }, ...takeable }, { sort: { updatedAt: 1 } });
  for (const record of unannounced) {
    const lease = newLease(options.leaseMs);
    const claimed = await merges.findOneAndUpdate(
      { ...sameOwner(record), effectsPending: true },
      { $set: lease },
      { returnDocument: 'after' },
    );
    if (!claimed) continue;
    await whileLeased(store, claimed, lease, options.leaseMs, () => completeMergeEffects(store, claimed, options.afterChange));
    report.announced.push(record._id.toHexString());
  }
  return report;
}
