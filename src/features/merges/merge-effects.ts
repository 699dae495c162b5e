// What follows a merge or an undo once applied, wherever it was applied: the HTTP API, the CLI (merge, undo,
// import with --merge-conflicts), auto-merge, and recovery at start-up or on demand. Statement write-back re-stamps
// first (when on), then the persona event is published (when the queue is on). Every path builds its merge service
// and its recovery from these hooks (afterMergeChangeOf), so none forgets either.
//
// The step that marks a record applied or undone also marks it `effectsPending`; the mark goes once the effects
// ran. A process that dies in between leaves the mark, and recovery runs the effects then: a merge is never left
// un-announced or with statements stamped for its sources (events are at least once; consumers de-duplicate on
// their eventId).
import type { Store } from '../../store/port.ts';
import type { IdentityWriteBack } from './identity-write-back.ts';
import { mergesOf, type MergeRecordDoc } from './merge-record.ts';

export type AfterMergeChange = (record: MergeRecordDoc) => Promise<void>;

export interface MergeEffectHooks {
  /** Statement write-back (re-stamp on merge and undo); absent when write-back is off. */
  writeBack?: IdentityWriteBack | null;
  /** Called after write-back for each merge applied or undone (persona events when the queue is on). */
  onMergeChange?: AfterMergeChange;
}

/** The one composition of the effects; undefined when there is nothing to do. */
export function afterMergeChangeOf({ writeBack, onMergeChange }: MergeEffectHooks): AfterMergeChange | undefined {
  if (!writeBack && !onMergeChange) return undefined;
  return async (record) => {
    await writeBack?.afterMergeChange(record);
    await onMergeChange?.(record);
  };
}

/** Runs the effects of a record that reached `applied` or `undone`, then clears its mark. */
export async function completeMergeEffects(store: Store, record: MergeRecordDoc, afterChange?: AfterMergeChange): Promise<void> {
  if (record.state !== 'applied' && record.state !== 'undone') return;
  await afterChange?.(record);
  await mergesOf(store).updateOne({ _id: record._id, state: record.state, effectsPending: true }, { $unset: { effectsPending: '' } });
}
