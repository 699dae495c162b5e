// The LMDB environment of one data directory and its four sub-databases. Every write goes through write(): one
// synchronous LMDB transaction (LMDB's writer lock serialises it against every other process sharing the
// directory), visible to every process and safe from any process crash once it returns; durable() then waits until
// it is on disk. Every read goes through read(): a fresh read snapshot, so another process's committed writes are seen.
//
// Why commit and flush are separate: the flush (fsync) is most of a commit's cost, and while a transaction flushes
// inside the writer lock, nobody — no other request, no other process — can write. lmdb-js's overlapping sync
// commits without flushing and keeps a crash-safe meta page protocol (after an OS crash the last *flushed*
// transaction is used, never a torn one); the flush then runs on a worker thread, outside the lock, and one flush
// covers every commit made before it, so concurrent writers share it (group commit).
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase, type RootDatabaseOptionsWithPath, type Transaction } from 'lmdb';
import { translateLmdbError } from './errors.ts';

// lmdb-js transaction flags: abortable (a throw rolls the transaction back), and LMDB's MDB_NOSYNC, which under
// overlapping sync means "commit now, flush later".
const ABORTABLE_WITHOUT_SYNC = 0x1 | 0x10000;

export const STORE_DIRECTORY_MODE = 0o700;
export const STORE_FILE_MODE = 0o600;

interface SyncableRoot {
  sync(callback: (error?: unknown) => void): void;
}

export interface EnvironmentOptions {
  dataDir: string;
  /** Maximum size of the data file; LMDB grows the file sparsely up to it. */
  mapSizeGb?: number;
  /** For tests of the map-full behaviour: a map size in bytes, overriding mapSizeGb. */
  mapSizeBytes?: number;
}

export class LmdbEnvironment {
  readonly root: RootDatabase;
  /** [collection component][_id component] → msgpack document. */
  readonly documents: Database<Buffer, Buffer>;
  /** [index id][value components]([_id component]) → _id component. */
  readonly indexes: Database<Buffer, Buffer>;
  readonly catalogue: Database<any, string>;
  /** Commit sequence number → one written document (change-log.ts). */
  readonly changes: Database<Buffer, number>;
  /** The flush under way, and the one queued behind it for commits made meanwhile (see durable()). */
  private flushing: Promise<void> | null = null;
  private nextFlush: Promise<void> | null = null;

  constructor(options: EnvironmentOptions) {
    // The store holds every organisation's personal data, the clients' scrypt hashes and the cursor HMAC secret: only
    // the service's own user may read it. Both modes apply when the directory and files are created (an existing
    // directory keeps the modes its operator gave it).
    mkdirSync(options.dataDir, { recursive: true, mode: STORE_DIRECTORY_MODE });
    const rootOptions: RootDatabaseOptionsWithPath & { permissionsMode: number } = {
      path: options.dataDir,
      // Passed to mdb_env_open for data.mdb and lock.mdb (LMDB's default is 0664); lmdb-js reads it but does not type it.
      permissionsMode: STORE_FILE_MODE,
      // DATA_DIR is always a directory: lmdb-js would otherwise take a path with a dot in it (`./data.prod`,
      // `/tmp/tmp.x1Y2`) for a file name and fail to open it.
      noSubdir: false,
      mapSize: options.mapSizeBytes ?? (options.mapSizeGb ?? 64) * 1024 ** 3,
      maxDbs: 8,
      // Commits are flushed by durable(), after the writer lock is released (see the top of this file).
      overlappingSync: true,
      cache: false,
    };
    this.root = open(rootOptions);
    this.documents = this.root.openDB<Buffer, Buffer>('documents', { keyEncoding: 'binary', encoding: 'binary', cache: false });
    this.indexes = this.root.openDB<Buffer, Buffer>('indexes', { keyEncoding: 'binary', encoding: 'binary', cache: false });
    this.catalogue = this.root.openDB<any, string>('catalogue', { encoding: 'json', cache: false });
    // Keys are whole numbers in lmdb-js's ordered-binary encoding: key order is number order, up to 2^53.
    this.changes = this.root.openDB<Buffer, number>('changes', { encoding: 'binary', cache: false });
  }

  /**
   * Runs `action` in one synchronous write transaction: all of it commits, or (on a throw) none of it. The commit is
   * not flushed yet: call durable() before acknowledging it.
   */
  write<T>(action: () => T): T {
    try {
      return this.root.transactionSync(action, ABORTABLE_WITHOUT_SYNC);
    } catch (error) {
      throw translateLmdbError(error);
    }
  }

  /** Resolves once every transaction committed before the call (by any process) is on disk. */
  durable(): Promise<void> {
    // A flush that is already running may have started before the caller's commit: wait for the next one, which
    // every caller arriving meanwhile shares.
    if (!this.flushing) {
      this.flushing = this.flush().finally(() => { this.flushing = null; });
      return this.flushing;
    }
    this.nextFlush ??= this.flushing.then(() => {
      this.nextFlush = null;
      return this.durable();
    });
    return this.nextFlush;
  }

  private flush(): Promise<void> {
    return new Promise((resolve, reject) => {
      // sync(callback) runs LMDB's flush on libuv's thread pool: the event loop goes on meanwhile.
      (this.root as unknown as SyncableRoot).sync((error) => (error ? reject(translateLmdbError(error)) : resolve()));
    });
  }

  /** Runs `action` against one consistent read snapshot that includes every commit made before the call. */
  read<T>(action: (transaction: Transaction) => T): T {
    // lmdb-js reuses one read snapshot until its next timer tick; reset it so a read that follows another
    // process's commit in the same tick still sees that commit (reads stay linearizable across processes).
    this.root.resetReadTxn();
    const transaction = this.root.useReadTransaction();
    try {
      return action(transaction);
    } finally {
      transaction.done();
    }
  }

  async close(): Promise<void> {
    await this.durable();
    await this.root.close();
  }
}
