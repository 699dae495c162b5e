// The LMDB environment of one data directory and its four sub-databases. Every write goes through write(): one
// synchronous LMDB transaction (LMDB's writer lock serialises it against every other process sharing the
// directory) that is on disk when it returns, so it survives a process or an OS crash and every process sees it.
// Every read goes through read(): a fresh read snapshot, so another process's committed writes are seen.
//
// Why each commit flushes inside the writer lock: lmdb-js's overlapping sync (commit now, flush later on a worker
// thread, shared by concurrent writers) was faster, but with several processes on one directory it lost committed
// transactions whenever another process opened or closed the environment: 7 of 10 runs of two writers beside two
// processes that only opened and closed lost between 1 and 149 of 160 acknowledged writes, and some writers failed
// with `MDB_PROBLEM: mdb_page_touch no parent`; with plain LMDB commits, 0 of 10 (the API, workers and every CLI
// command share one directory, so this is the product's normal shape). A flush per commit costs little where it
// matters: the resolver writes a batch of statements in a few transactions.
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase, type RootDatabaseOptionsWithPath, type Transaction } from 'lmdb';
import { translateLmdbError } from './errors.ts';
import { whileOpeningOrClosing } from './open-close-lock.ts';

// lmdb-js transaction flag: abortable (a throw rolls the transaction back).
const ABORTABLE = 0x1;

export const STORE_DIRECTORY_MODE = 0o700;
export const STORE_FILE_MODE = 0o600;

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

  /** Opens the data directory's environment (created on first use) under the open/close lock (see open-close-lock.ts). */
  static async open(options: EnvironmentOptions): Promise<LmdbEnvironment> {
    // The store holds every organisation's personal data, the clients' scrypt hashes and the cursor HMAC secret: only
    // the service's own user may read it. Both modes apply when the directory and files are created (an existing
    // directory keeps the modes its operator gave it).
    mkdirSync(options.dataDir, { recursive: true, mode: STORE_DIRECTORY_MODE });
    return whileOpeningOrClosing(options.dataDir, () => new LmdbEnvironment(options));
  }

  private constructor(private readonly options: EnvironmentOptions) {
    const rootOptions: RootDatabaseOptionsWithPath & { permissionsMode: number } = {
      path: options.dataDir,
      // Passed to mdb_env_open for data.mdb and lock.mdb (LMDB's default is 0664); lmdb-js reads it but does not type it.
      permissionsMode: STORE_FILE_MODE,
      // DATA_DIR is always a directory: lmdb-js would otherwise take a path with a dot in it (`./data.prod`,
      // `/tmp/tmp.x1Y2`) for a file name and fail to open it.
      noSubdir: false,
      mapSize: options.mapSizeBytes ?? (options.mapSizeGb ?? 64) * 1024 ** 3,
      maxDbs: 8,
      // Every commit is flushed before the writer lock is released (see the top of this file).
      overlappingSync: false,
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
   * on disk when this returns.
   */
  write<T>(action: () => T): T {
    try {
      return this.root.transactionSync(action, ABORTABLE);
    } catch (error) {
      throw translateLmdbError(error);
    }
  }

  /**
   * Resolves once every transaction committed before the call is on disk: at once, since write() flushes each commit.
   * Kept so that callers state where durability is required, whatever the commit mode.
   */
  durable(): Promise<void> {
    return Promise.resolve();
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
    await whileOpeningOrClosing(this.options.dataDir, () => this.root.close());
  }
}
