// The port's Collection over the official driver: a pass-through with only the shape conversions the port
// requires (bulk writes report write errors instead of throwing; explain is reduced to a QueryPlan).
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection as DriverCollection, type Document as DriverDocument } from 'mongodb';
import type {
  BulkOperation, BulkWriteOptions, BulkWriteResult, Collection, CountOptions, DeleteResult, Document, Filter, FindOneAndDeleteOptions,
  FindOneAndUpdateOptions, FindOptions, IndexDescription, IndexKeys, IndexOptions, InsertManyResult, InsertOneResult, QueryPlan, Update,
  UpdateOptions, UpdateResult, WriteError,
} from '../port.ts';
import { planFromExplain } from './explain-plan.ts';

export class MongoCollection<T extends Document = Document> implements Collection<T> {
  constructor(private readonly driver: DriverCollection<DriverDocument>) {}

  get name(): string {
    return this.driver.collectionName;
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    return (await this.driver.find(filter, options as any).toArray()) as unknown as T[];
  }

  async *iterate(filter: Filter = {}, options: FindOptions & { batchSize?: number } = {}): AsyncIterable<T> {
    for await (const document of this.driver.find(filter, options as any)) yield document as unknown as T;
  }

  async findOne(filter: Filter = {}, options: FindOptions = {}): Promise<T | null> {
    return (await this.driver.findOne(filter, options as any)) as T | null;
  }

  async countDocuments(filter: Filter = {}, options: CountOptions = {}): Promise<number> {
    return this.driver.countDocuments(filter, options);
  }

  async insertOne(document: T | Omit<T, '_id'>): Promise<InsertOneResult> {
    const result = await this.driver.insertOne(document as DriverDocument);
    return { insertedId: result.insertedId };
  }

  async insertMany(documents: Array<T | Omit<T, '_id'>>, options: BulkWriteOptions = {}): Promise<InsertManyResult> {
    const result = await this.driver.insertMany(documents as DriverDocument[], options);
    return { insertedCount: result.insertedCount, insertedIds: result.insertedIds };
  }

  async updateOne(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await this.driver.updateOne(filter, update, options));
  }

  async updateMany(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await this.driver.updateMany(filter, update, options));
  }

  async replaceOne(filter: Filter, replacement: Document, options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await this.driver.replaceOne(filter, replacement, options));
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<T | null> {
    return (await this.driver.findOneAndUpdate(filter, update, { ...options, includeResultMetadata: false } as any)) as unknown as T | null;
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

  async bulkWrite(operations: BulkOperation[], { deferFlush: _ignored, ...options }: BulkWriteOptions = {}): Promise<BulkWriteResult> {
    try {
      // deferFlush is ours: durability on MongoDB is the write concern's business.
      return bulkResult(await this.driver.bulkWrite(operations as AnyBulkWriteOperation[], options), []);
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).map(toWriteError);
      return bulkResult(error.result, writeErrors);
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

function updateResult(result: { matchedCount: number; modifiedCount: number; upsertedCount: number; upsertedId: unknown }): UpdateResult {
  return { matchedCount: result.matchedCount, modifiedCount: result.modifiedCount, upsertedCount: result.upsertedCount, upsertedId: result.upsertedId ?? null };
}

function toWriteError(error: { index: number; code?: number; errmsg?: string; errInfo?: unknown; err?: any }): WriteError {
  const raw = error.err ?? {};
  return {
    index: error.index,
    code: error.code ?? raw.code,
    errmsg: error.errmsg ?? raw.errmsg ?? '',
    ...(raw.keyPattern ? { keyPattern: raw.keyPattern } : {}),
    ...(raw.keyValue ? { keyValue: raw.keyValue } : {}),
  };
}

function bulkResult(result: any, writeErrors: WriteError[]): BulkWriteResult {
  return {
    insertedCount: result.insertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
    upsertedCount: result.upsertedCount,
    insertedIds: { ...result.insertedIds },
    upsertedIds: { ...result.upsertedIds },
    writeErrors,
  };
}
