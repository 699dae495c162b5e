// The MongoDB Store: one driver client and database. applyAtomically exists only on a replica set (or sharded
// cluster), where it runs the operations in a session transaction; a standalone server cannot offer it.
import type { Db, MongoClient, TransactionOptions } from 'mongodb';
import {
  DEFAULT_CHANGE_BATCH,
  emptyBulkResult,
  type AtomicOperation,
  type BulkWriteResult,
  type ChangeBatch,
  type ChangeHistoryLost,
  type ChangesSinceOptions,
  type Collection,
  type Document,
  type Store,
} from '../port.ts';
import { changesSince, currentChangeToken } from './change-stream.ts';
import { MongoCollection } from './mongo-collection.ts';

/**
 * A transaction takes its write concern from the session, i.e. the client and the URL, not from the database handle:
 * the commit must be pinned on its own, like every other write (see PINNED_CONSISTENCY in index.ts).
 */
const TRANSACTION_CONSISTENCY: TransactionOptions = { writeConcern: { w: 'majority', journal: true }, readPreference: 'primary' };

export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  applyAtomically?: (operations: AtomicOperation[]) => Promise<BulkWriteResult>;

  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    supportsTransactions: boolean,
  ) {
    if (supportsTransactions) this.applyAtomically = (operations) => this.inTransaction(operations);
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    return new MongoCollection<T>(this.db.collection(name));
  }

  private async inTransaction(operations: AtomicOperation[]): Promise<BulkWriteResult> {
    if (operations.length === 0) throw new Error('applyAtomically needs at least one operation');
    const session = this.client.startSession();
    try {
      let total = emptyBulkResult();
      await session.withTransaction(async () => {
        // withTransaction runs this again after a TransientTransactionError or UnknownTransactionCommitResult:
        // start the count afresh each time, or a retried unit would report its writes twice.
        total = emptyBulkResult();
        for (const [position, { collection, ...operation }] of operations.entries()) {
          const result = await this.db.collection(collection).bulkWrite([operation as any], { session, ordered: true });
          total.insertedCount += result.insertedCount;
          total.matchedCount += result.matchedCount;
          total.modifiedCount += result.modifiedCount;
          total.deletedCount += result.deletedCount;
          total.upsertedCount += result.upsertedCount;
          if (result.insertedIds[0] !== undefined) total.insertedIds[position] = result.insertedIds[0];
          if (result.upsertedIds[0] !== undefined) total.upsertedIds[position] = result.upsertedIds[0];
        }
      }, TRANSACTION_CONSISTENCY);
      return total;
    } finally {
      await session.endSession();
    }
  }

  changeToken(): Promise<string> {
    return currentChangeToken(this.db);
  }

  changesSince(
    collections: string[],
    organisation: unknown,
    token: string,
    options: ChangesSinceOptions = {},
  ): Promise<ChangeBatch | ChangeHistoryLost> {
    return changesSince(this.db, collections, organisation, token, options.limit ?? DEFAULT_CHANGE_BATCH);
  }

  /**
   * Nothing to wait for: the handle pins `{ w: 'majority', j: true }` (see PINNED_CONSISTENCY), so every write was
   * journaled on a majority before it was acknowledged, whatever the URL or the cluster default says.
   */
  async flush(): Promise<void> {}

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
