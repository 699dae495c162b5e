// The port's Collection over the official driver: a pass-through with only the shape conversions the port
// requires (bulk writes report per-operation write errors instead of throwing, and throw every other failure;
// a refused document becomes DocumentRefusedError; explain is reduced to a QueryPlan).
import type {
  AnyBulkWriteOperation,
  BulkWriteResult as DriverBulkWriteResult,
  Collection as DriverCollection,
  Document as DriverDocument,
  MongoBulkWriteError,
  WriteError as DriverWriteError,
} from 'mongodb';
import type {
  BulkOperation,
  BulkWriteOptions,
  BulkWriteResult,
  Collection,
  CountOptions,
  DeleteResult,
  Document,
  Filter,
  FindOneAndDeleteOptions,
  FindOneAndUpdateOptions,
  FindOptions,
  IndexDescription,
  IndexKeys,
  IndexOptions,
  InsertManyResult,
  InsertOneResult,
  QueryPlan,
  Update,
  UpdateOptions,
  UpdateResult,
  WriteError,
} from '../port.ts';
import { emptyBulkResult } from '../port.ts';
import { bulkRuns, withInsertIds, type BulkRun } from './bulk-runs.ts';
import { bulkFailure, reportedWriteErrors } from './bulk-failure.ts';
import { asDocumentRefusal } from './document-refusal.ts';
import { planFromExplain } from './explain-plan.ts';
import { QueryTimeoutError, remainingQueryTimeMs } from '../query-deadline.ts';

/** `maxTimeMS` for a read inside a request's deadline (query-deadline.ts); none outside one. */
function deadlineOption(): { maxTimeMS?: number } {
  const remaining = remainingQueryTimeMs();
  return remaining === undefined ? {} : { maxTimeMS: remaining };
}

/** The server's MaxTimeMSExpired (code 50) becomes the same QueryTimeoutError the embedded engine throws. */
async function withinDeadline<R>(read: () => Promise<R>): Promise<R> {
  try {
    return await read();
  } catch (error) {
    if ((error as { code?: unknown })?.code === MAX_TIME_MS_EXPIRED) throw new QueryTimeoutError();
    throw error;
  }
}

const MAX_TIME_MS_EXPIRED = 50;

export class MongoCollection<T extends Document = Document> implements Collection<T> {
  constructor(private readonly driver: DriverCollection<DriverDocument>) {}

  get name(): string {
    return this.driver.collectionName;
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    return withinDeadline(
      async () => (await this.driver.find(filter, { ...options, ...deadlineOption() } as any).toArray()) as unknown as T[],
    );
  }

  async *iterate(filter: Filter = {}, options: FindOptions & { batchSize?: number } = {}): AsyncIterable<T> {
    for await (const document of this.driver.find(filter, options as any)) yield document as unknown as T;
  }

  async findOne(filter: Filter = {}, options: FindOptions = {}): Promise<T | null> {
    return withinDeadline(async () => (await this.driver.findOne(filter, { ...options, ...deadlineOption() } as any)) as T | null);
  }

  async countDocuments(filter: Filter = {}, options: CountOptions = {}): Promise<number> {
    return withinDeadline(() => this.driver.countDocuments(filter, { ...options, ...deadlineOption() }));
  }

  async insertOne(document: T | Omit<T, '_id'>): Promise<InsertOneResult> {
    const result = await this.driver.insertOne(document as DriverDocument).catch(rethrowRefusal);
    return { insertedId: result.insertedId };
  }

  async insertMany(documents: Array<T | Omit<T, '_id'>>, options: BulkWriteOptions = {}): Promise<InsertManyResult> {
    const result = await this.driver
      .insertMany(documents as DriverDocument[], options)
      .catch((error: unknown) => rethrowRefusal(bulkFailure(error)));
    return { insertedCount: result.insertedCount, insertedIds: result.insertedIds };
  }

  async updateOne(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await this.driver.updateOne(filter, update, options).catch(rethrowRefusal));
  }

  async updateMany(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await this.driver.updateMany(filter, update, options).catch(rethrowRefusal));
  }

  async replaceOne(filter: Filter, replacement: Document, options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await this.driver.replaceOne(filter, replacement, options).catch(rethrowRefusal));
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<T | null> {
    const driverOptions = { ...options, includeResultMetadata: false } as any;
    return (await this.driver.findOneAndUpdate(filter, update, driverOptions).catch(rethrowRefusal)) as unknown as T | null;
  }

  async findOneAndDelete(filter: Filter, options: FindOneAndDeleteOptions = {}): Promise<T | null> {
    return (await this.driver.findOneAndDelete(filter, { ...options, includeResultMetadata: false } as any)) as unknown as T | null;
  }

  async deleteOne(filter: Filter): Promise<DeleteResult> {
    return { deletedCount: (await this.driver.deleteOne(filter)).deletedCount };
  }

  async deleteMany(filter: Filter): Promise<DeleteResult> {
    return { deletedCount: (await this.driver.deleteMany(filter)).deletedCount };
  }

  async bulkWrite(operations: BulkOperation[], { deferFlush: _ignored, ordered = true }: BulkWriteOptions = {}): Promise<BulkWriteResult> {
    // deferFlush is ours: durability on MongoDB is the write concern's business (pinned to majority + journal).
    const total = emptyBulkResult();
    for (const run of bulkRuns(withInsertIds(operations), ordered)) {
      const { result, writeErrors } = await this.bulkRun(run.operations, ordered);
      addRun(
        total,
        run,
        result,
        writeErrors.map((error) => toWriteError(error, run.start)),
        ordered,
      );
    }
    return total;
  }

  /** One driver bulkWrite: its result and per-operation write errors; any other failure is thrown. */
  private async bulkRun(
    operations: BulkOperation[],
    ordered: boolean,
  ): Promise<{ result: DriverBulkWriteResult; writeErrors: DriverWriteError[] }> {
    try {
      return { result: await this.driver.bulkWrite(operations as AnyBulkWriteOperation[], { ordered }), writeErrors: [] };
    } catch (error) {
      const writeErrors = reportedWriteErrors(error);
      if (!writeErrors) return rethrowRefusal(bulkFailure(error));
      return { result: (error as MongoBulkWriteError).result, writeErrors };
    }
  }

  async aggregate<R extends Document = Document>(pipeline: Document[]): Promise<R[]> {
    return (await this.driver.aggregate(pipeline).toArray()) as R[];
  }

  async createIndex(keys: IndexKeys, options: IndexOptions = {}): Promise<string> {
    return this.driver.createIndex(keys, options);
  }

  async dropIndex(name: string): Promise<void> {
    await this.driver.dropIndex(name);
  }

  async listIndexes(): Promise<IndexDescription[]> {
    const indexes = await this.driver.listIndexes().toArray();
    return indexes.map((index) => ({
      name: index.name as string,
      key: index.key as IndexKeys,
      ...(index.unique ? { unique: true } : {}),
      ...(index.sparse ? { sparse: true } : {}),
    }));
  }

  async explain(filter: Filter = {}, options: FindOptions = {}): Promise<QueryPlan> {
    return planFromExplain(await this.driver.find(filter, options as any).explain('executionStats'));
  }
}

/** Throws the error, as a DocumentRefusedError when the store refused the document (so HTTP answers 413/422). */
function rethrowRefusal(error: unknown): never {
  throw asDocumentRefusal(error);
}

function updateResult(result: { matchedCount: number; modifiedCount: number; upsertedCount: number; upsertedId: unknown }): UpdateResult {
  return {
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    upsertedCount: result.upsertedCount,
    upsertedId: result.upsertedId ?? null,
  };
}

function toWriteError(error: DriverWriteError, offset: number): WriteError {
  return { index: error.index + offset, code: error.code, errmsg: error.errmsg ?? '' };
}

/** Adds one run's outcome to the bulk's, with indexes relative to the whole bulk. */
function addRun(total: BulkWriteResult, run: BulkRun, result: DriverBulkWriteResult, writeErrors: WriteError[], ordered: boolean): void {
  total.insertedCount += result.insertedCount;
  total.matchedCount += result.matchedCount;
  total.modifiedCount += result.modifiedCount;
  total.deletedCount += result.deletedCount;
  total.upsertedCount += result.upsertedCount;
  for (const [index, id] of Object.entries(result.upsertedIds)) total.upsertedIds[run.start + Number(index)] = id;
  // An insert took effect unless it failed, or (ordered) came after the failure that stopped the bulk.
  const failed = new Set(writeErrors.map((error) => error.index));
  const stoppedAt = ordered && writeErrors.length > 0 ? Math.min(...failed) : Infinity;
  run.operations.forEach((operation, offset) => {
    const index = run.start + offset;
    if ('insertOne' in operation && !failed.has(index) && index < stoppedAt) total.insertedIds[index] = operation.insertOne.document._id;
  });
  total.writeErrors.push(...writeErrors);
}
