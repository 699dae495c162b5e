// The merge journal: a record left in `intent`, `pending` or `undoing` is a merge or undo a crash interrupted (or one
// a live process is still applying: its lease says so). Repair is recovery itself (merge-recovery.ts), which replays
// the idempotent steps to the end; a record leased by a process that still renews it is left alone unless the
// operator says that process is dead (takeOverLiveLeases).
import type { Store } from '../../store/port.ts';
import type { AfterMergeChange } from '../merges/merge-effects.ts';
import { mergesOf } from '../merges/merge-record.ts';
import { recoverMerges } from '../merges/merge-recovery.ts';
import type { DoctorProblem } from './doctor-problem.ts';

const UNFINISHED = ['intent', 'pending', 'undoing'];

export interface MergeJournalOptions {
  repair: boolean;
  takeOverLiveLeases?: boolean;
  afterChange?: AfterMergeChange;
}

export async function checkMergeJournal(store: Store, options: MergeJournalOptions): Promise<DoctorProblem[]> {
  const merges = mergesOf(store);
  // Scatter-gather by design, as recovery: the journal of every organisation.
  const unfinished = async () => merges.find({ state: { $in: UNFINISHED } }, { sort: { createdAt: 1 } });
  const found = await unfinished();
  if (found.length === 0) return [];
  if (options.repair) await recoverMerges(store, { takeOverLiveLeases: options.takeOverLiveLeases, afterChange: options.afterChange });
  const remaining = new Set((options.repair ? await unfinished() : found).map((record) => record._id.toHexString()));
  const now = Date.now();
  return found.map((record) => {
    const leased =
      record.leaseUntil && record.leaseUntil.getTime() > now ? `, leased by a live process until ${record.leaseUntil.toISOString()}` : '';
    return {
      code: 'merge.half_applied',
      collection: merges.name,
      id: record._id.toHexString(),
      organisation: record.organisation.toHexString(),
      message: `merge left in state ${record.state}${leased}`,
      repaired: !remaining.has(record._id.toHexString()),
    };
  });
}
