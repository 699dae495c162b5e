// The embedded Store: collections over one LMDB data directory, plus applyAtomically (any operations on any
// collections in one write transaction: all or nothing).
import {
  DEFAULT_CHANGE_BATCH,
  type AtomicOperation,
  type BulkOperation,
  type BulkWriteResult,
  type ChangeBatch,
  type ChangeHistoryLost,
  type ChangesSinceOptions,
  type Collection,
  type Document,
  type Store,
} from '../port.ts';
import { mkdir } from 'node:fs/promises';
import { applyBulk } from './bulk-write.ts';
import { EmbeddedCollection } from './embedded-collection.ts';
import type { EmbeddedEngine } from './embedded-engine.ts';
import { auditIndexEntries, type IndexProblem } from './index-audit.ts';
import { STORE_DIRECTORY_MODE } from './lmdb-environment.ts';
import type { CollectionContext } from './write-operations.ts';

export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  private readonly collections = new Map<string, EmbeddedCollection<any>>();

  constructor(private readonly engine: EmbeddedEngine) {}

  collection<T extends Document = Document>(name: string): Collection<T> {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new EmbeddedCollection<T>(this.engine, name);
      this.collections.set(name, collection);
    }
    return collection as Collection<T>;
  }

  /** Any error (a duplicate key included) rolls the whole unit back and is thrown. */
  applyAtomically = async (operations: AtomicOperation[]): Promise<BulkWriteResult> => {
    if (operations.length === 0) throw new Error('applyAtomically needs at least one operation');
    return this.engine.write(() => {
      const contexts = new Map<string, CollectionContext>();
      const contextFor = (position: number): CollectionContext => {
        const name = operations[position].collection;
        let context = contexts.get(name);
        if (!context) {
          context = this.engine.context(name);
          contexts.set(name, context);
        }
        return context;
      };
      const bulkOperations = operations.map(({ collection: _collection, ...operation }) => operation as BulkOperation);
      return applyBulk(contextFor, bulkOperations, { isOrdered: true, throwWriteErrors: true });
    });
  };

  async changeToken(): Promise<string> {
    return this.engine.read((transaction) => this.engine.changeLog.currentToken(transaction));
  }

  async changesSince(
    collections: string[],
    organisation: unknown,
    token: string,
    options: ChangesSinceOptions = {},
  ): Promise<ChangeBatch | ChangeHistoryLost> {
    return this.engine.read((transaction) =>
      this.engine.changeLog.since(collections, organisation, token, options.limit ?? DEFAULT_CHANGE_BATCH, transaction),
    );
  }

  async flush(): Promise<void> {
    await this.engine.environment.durable();
  }

  async ping(): Promise<void> {
    this.engine.read(() => undefined);
  }

  /** Index entries that disagree with the documents (`persona doctor`); `repair` fixes all but unique conflicts. */
  auditIndexes(options: { repair?: boolean } = {}): Promise<IndexProblem[]> {
    return auditIndexEntries(this.engine, options);
  }

  /**
   * Copies the whole data directory's data file into `directory` (created, mode 0700) from one read transaction:
   * a consistent snapshot while other processes keep writing (LMDB's mdb_env_copy; writers are not blocked).
   */
  async backup(directory: string): Promise<void> {
    await mkdir(directory, { recursive: true, mode: STORE_DIRECTORY_MODE });
    await this.engine.environment.root.backup(directory, false);
  }

  async close(): Promise<void> {
    await this.engine.environment.close();
  }
}
