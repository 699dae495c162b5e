// The statements collection statement write-back works on, as the API process opens it (WRITE_BACK_STATEMENTS on):
// Learning Locker's database (WRITE_BACK_MONGODB_URL) or the statements collection of our own store, with the
// indexes write-back needs. Opened once by the composition root and shared by the services that read or re-stamp it.
import type { Config } from '../../config.ts';
import { openStore } from '../../store/open-store.ts';
import type { Collection, Store } from '../../store/port.ts';
import { checkWriteBackIndexes } from './write-back-indexes.ts';

export interface WriteBackStatements {
  statements: Collection;
  /** Closes Learning Locker's database when it was opened for this (our own store is closed by its owner). */
  close(): Promise<void>;
}

/** Missing write-back indexes are reported through `logger`, not built: see checkWriteBackIndexes. */
export async function openWriteBackStatements(
  config: Config, store: Store, logger: { warn(object: object, message?: string): void },
): Promise<WriteBackStatements | null> {
  if (!config.WRITE_BACK_STATEMENTS) return null;
  const target = config.WRITE_BACK_MONGODB_URL
    ? await openStore({ ...config, STORE: 'mongodb', MONGODB_URL: config.WRITE_BACK_MONGODB_URL, MONGODB_DB: config.WRITE_BACK_MONGODB_DB }, { identityEpoch: false })
    : null;
  try {
    const statements = (target ?? store).collection(config.WRITE_BACK_COLLECTION);
    await checkWriteBackIndexes(statements, logger);
    return { statements, close: async () => { await target?.close(); } };
  } catch (error) {
    await target?.close().catch(() => {});
    throw error;
  }
}
