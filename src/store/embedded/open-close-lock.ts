// A cross-process lock held while a process opens or closes the LMDB environment of a data directory.
//
// Why: LMDB keeps its writer, reader and sync mutexes in lock.mdb, shared by every process. The process that closes
// the environment last destroys those mutexes; it knows it is last because it can take lock.mdb's file lock
// exclusively. A process opening at that very moment blocks on the same file lock, gets it shared as soon as the
// closer lets go, takes the lock table for initialised, and then locks destroyed mutexes: seen here as
// `MDB_BAD_TXN: mdb_page_touch no parent`, as SIGSEGV and as hangs when processes start and stop together (the API,
// workers and CLI commands of one data directory do). Opening and closing under one lock of our own means a close can
// never overlap an open. It is held for milliseconds; a process killed while holding it leaves a directory that is
// taken for stale after STALE_MS, so the others wait at most that long.
import lockfile from 'proper-lockfile';
import { join } from 'node:path';

const LOCK_NAME = 'open-close.lock';
const STALE_MS = 5_000;

export async function whileOpeningOrClosing<T>(dataDir: string, action: () => T | Promise<T>): Promise<T> {
  const release = await lockfile.lock(dataDir, {
    lockfilePath: join(dataDir, LOCK_NAME),
    realpath: false,
    stale: STALE_MS,
    // Enough attempts to outwait a stale lock left by a killed process (STALE_MS) on a loaded machine.
    retries: { retries: 400, factor: 1.2, minTimeout: 2, maxTimeout: 50 },
    // The lock guards a few milliseconds of work; losing it afterwards (a stalled event loop) changes nothing.
    onCompromised: () => undefined,
  });
  try {
    return await action();
  } finally {
    await release().catch(() => undefined);
  }
}
