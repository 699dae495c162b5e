// The LMDB environment of one data directory and its three sub-databases. Every write goes through write(): one
// synchronous, durable LMDB transaction (LMDB's writer lock serialises it against every other process sharing the
// directory); every read through read(): a fresh read snapshot, so another process's committed writes are seen.
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase, type Transaction } from 'lmdb';
import { translateLmdbError } from './errors.ts';

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

  constructor(options: EnvironmentOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.root = open({
      path: options.dataDir,
      mapSize: options.mapSizeBytes ?? (options.mapSizeGb ?? 64) * 1024 ** 3,
      maxDbs: 8,
      // Durability: every commit is flushed before the call returns (no noSync, no overlapping sync).
      overlappingSync: false,
      cache: false,
    });
    this.documents = this.root.openDB<Buffer, Buffer>('documents', { keyEncoding: 'binary', encoding: 'binary', cache: false });
    this.indexes = this.root.openDB<Buffer, Buffer>('indexes', { keyEncoding: 'binary', encoding: 'binary', cache: false });
    this.catalogue = this.root.openDB<any, string>('catalogue', { encoding: 'json', cache: false });
  }

  /** Runs `action` in one synchronous write transaction: all of it commits, or (on a throw) none of it. */
  write<T>(action: () => T): T {
    try {
      return this.root.transactionSync(action);
    } catch (error) {
      throw translateLmdbError(error);
    }
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
    await this.root.close();
  }
}
