// Imports whose process died (kill -9, crash, a lost machine) would read `processing` for ever: nothing else resumes
// them (the uploaded file was a temporary file of the dead process). A running import holds a lease in its document
// (`leaseUntil`), renewed while it runs; an import in `processing` whose lease has run out is marked `failed` with
// the reason, so a client sees it stopped and sends the file again (rows already imported are then matched, not
// duplicated). The API sweeps at start and then once per lease length, across organisations (a system sweep, not a
// caller's query).
import { COLLECTIONS } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import type { ImportDoc } from './imports.service.ts';

/** How long an import's lease lasts; it is renewed three times per lease, so one slow batch does not lose it. */
export const DEFAULT_IMPORT_LEASE_MS = 60_000;

export const INTERRUPTED_IMPORT_FAILURE =
  'interrupted: the process running this import stopped before it finished; send the file again (rows already imported are matched, not duplicated)';

/** Marks every import whose lease ran out as failed; returns how many. */
export async function failInterruptedImports(store: Store, leaseMs: number, now = new Date()): Promise<number> {
  const imports = store.collection<ImportDoc>(COLLECTIONS.imports);
  const { modifiedCount } = await imports.updateMany(
    // Documents written before leases existed carry none: their last progress stands in for it.
    {
      state: 'processing',
      $or: [{ leaseUntil: { $lt: now } }, { leaseUntil: { $exists: false }, updatedAt: { $lt: new Date(now.getTime() - leaseMs) } }],
    },
    { $set: { state: 'failed', failure: INTERRUPTED_IMPORT_FAILURE, updatedAt: now }, $unset: { leaseUntil: '' } },
  );
  return modifiedCount;
}

/** Sweeps now and once per `leaseMs` until stop(); a failed sweep (store busy or closing) waits for the next. */
export function startInterruptedImportSweep(store: Store, leaseMs: number, onError: (error: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = failInterruptedImports(store, leaseMs).catch(onError);
  };
  sweep();
  const timer = setInterval(sweep, leaseMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
