// Completes merges and undos interrupted by a crash: run at start-up (src/app.ts) and on demand (`persona merges
// recover`). An `intent` record never got past the concurrency guard, so nothing was written for it: it is abandoned.
// `pending` and `undoing` records are replayed from the start; their steps are idempotent. Applied and undone
// records whose effects (statement write-back, persona events) never ran get them now (merge-effects.ts).
import type { Store } from '../../store/port.ts';
import { completeMergeEffects, type AfterMergeChange } from './merge-effects.ts';
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
  /** Only records untouched for this long (another process may still be working on newer ones). Default 0. */
  staleMs?: number;
  onStep?: MergeStepHook;
  /** The effects of a merge or undo (afterMergeChangeOf), as the merge service of this process runs them. */
  afterChange?: AfterMergeChange;
}

export async function recoverMerges(store: Store, options: RecoveryOptions = {}): Promise<RecoveryReport> {
  const merges = mergesOf(store);
  const before = new Date(Date.now() - (options.staleMs ?? 0));
  const report: RecoveryReport = { completed: [], undone: [], abandoned: [], announced: [] };
  const stuck = await merges.find({ state: { $in: ['intent', 'pending', 'undoing'] }, updatedAt: { $lte: before } }, { sort: { createdAt: 1 } });
  for (const record of stuck) {
    const id = record._id.toHexString();
    if (record.state === 'intent') {
      await merges.updateOne({ _id: record._id, state: 'intent' }, { $set: { state: 'abandoned', reason: 'interrupted before it started', updatedAt: new Date() } });
      report.abandoned.push(id);
    } else if (record.state === 'pending') {
      await completeMergeEffects(store, await applyMergeSteps(store, record._id, options.onStep), options.afterChange);
      report.completed.push(id);
    } else {
      await completeMergeEffects(store, await applyUndoSteps(store, record._id, options.onStep), options.afterChange);
      report.undone.push(id);
    }
  }
  // By the sparse effectsPending index: a few records at most, whatever the length of the history.
  const unannounced = await merges.find({ effectsPending: true, updatedAt: { $lte: before } }, { sort: { updatedAt: 1 } });
  for (const record of unannounced) {
    await completeMergeEffects(store, record, options.afterChange);
    report.announced.push(record._id.toHexString());
  }
  return report;
}
