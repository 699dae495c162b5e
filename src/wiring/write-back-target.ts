// The statements collection statement write-back works on, as the API process opens it (WRITE_BACK_STATEMENTS on):
// Learning Locker's database (WRITE_BACK_MONGODB_URL) or the statements collection of our own store, with the
// indexes write-back needs. Opened once by the composition root and shared by the services that read or re-stamp it.
import type { Config } from '../config.ts';
import { openStore } from '../store/open-store.ts';
import type { Collection, Store } from '../store/port.ts';
import { checkWriteBackIndexes } from '../features/write-back/write-back-indexes.ts';
import { createIdentityWriteBack, type IdentityWriteBack } from '../features/merges/identity-write-back.ts';

export interface WriteBackStatements {
  statements: Collection;
  /** Closes Learning Locker's database when it was opened for this (our own store is closed by its owner). */
  close(): Promise<void>;
}

/** Missing write-back indexes are reported through `logger`, not built: see checkWriteBackIndexes. */
export async function openWriteBackStatements(
  config: Config,
  store: Store,
  logger: { warn(object: object, message?: string): void },
): Promise<WriteBackStatements | null> {
  if (!config.WRITE_BACK_STATEMENTS) return null;
  const target = config.WRITE_BACK_MONGODB_URL
    ? await openStore(
        { ...config, STORE: 'mongodb', MONGODB_URL: config.WRITE_BACK_MONGODB_URL, MONGODB_DB: config.WRITE_BACK_MONGODB_DB },
        { identityEpoch: false },
      )
    : null;
  try {
    const statements = (target ?? store).collection(config.WRITE_BACK_COLLECTION);
    await checkWriteBackIndexes(statements, logger);
    return {
      statements,
      close: async () => {
        await target?.close();
      },
    };
  } catch (error) {
    await target?.close().catch(() => {});
    throw error;
  }
}

/**
 * For processes other than the API (the CLI) when WRITE_BACK_STATEMENTS is on: opens the write-back target
 * (above) and builds the identity write-back over it.
 */
export async function openIdentityWriteBack(
  config: Config,
  store: Store,
  logger: { warn(object: object, message?: string): void },
): Promise<{ writeBack: IdentityWriteBack; close(): Promise<void> } | null> {
  const target = await openWriteBackStatements(config, store, logger);
  if (!target) return null;
  return {
    writeBack: createIdentityWriteBack({ store, statements: target.statements, person: config.WRITE_BACK_PERSON }),
    close: target.close,
  };
}
