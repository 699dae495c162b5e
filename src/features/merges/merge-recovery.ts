// Completes merges and undos interrupted by a crash: run at start-up (src/app.ts) and on demand (`persona merges
// recover`). An `intent` record never got past the concurrency guard, so nothing was written for it: it is abandoned.
// `pending` and `undoing` records are replayed from the start; their steps are idempotent.
import type { Store } from '../../store/port.ts';
import { mergesOf } from './merge-record.ts';
import { applyMergeSteps, type MergeStepHook } from './merge-steps.ts';
import { applyUndoSteps } from './merge-undo.ts';

export interface RecoveryReport {
  completed: string[];
  undone: string[];
  abandoned: string[];
}

export interface RecoveryOptions {
  /** Only records untouched for this long (another process may still be working on newer ones). Default 0. */
  staleMs?: number;
  onStep?: MergeStepHook;
}

export async function recoverMerges(store: Store, options: RecoveryOptions = {}): Promise<RecoveryReport> {
  const merges = mergesOf(store);
  const before = new Date(Date.now() - (options.staleMs ?? 0));
  const report: RecoveryReport = { completed: [], undone: [], abandoned: [] };
  const stuck = await merges.find({ state: { $in: ['intent', 'pending', 'undoing'] }, updatedAt: { $lte: before } }, { sort: { createdAt: 1 } });
  for (const record of stuck) {
    const id = record._id.toHexString();
    if (record.state === 'intent') {
      await merges.updateOne({ _id: record._id, state: 'intent' }, { $set: { state: 'abandoned', reason: 'interrupted before it started', updatedAt: new Date() } });
      report.abandoned.push(id);
    } else if (record.state === 'pending') {
      await applyMergeSteps(store, record._id, options.onStep);
      report.completed.push(id);
    } else {
      await applyUndoSteps(store, record._id, options.onStep);
      report.undone.push(id);
    }
  }
  return report;
}

