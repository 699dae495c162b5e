// One collection of the embedded store: the port's Collection over LMDB + mingo. Reads run in a fresh read
// snapshot, writes in one synchronous write transaction each (see write-operations.ts and bulk-write.ts); no
// document or index entry is kept in memory between calls.
import { Aggregator } from 'mingo';
import { withCodecObjectIds } from './foreign-object-ids.ts';
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
} from '../port.ts';
import { applyBulk } from './bulk-write.ts';
import type { EmbeddedEngine } from './embedded-engine.ts';
import { InsertManyError } from './errors.ts';
import { createIndexInTransaction, dropIndexInTransaction } from './index-builder.ts';
import { walkPlan, type WalkPosition } from './plan-walker.ts';
import { compileMatcher, countMatches, planFor, projectDocuments, runFind } from './query-executor.ts';
import { PRIMARY_INDEX_NAME } from './query-planner.ts';
import { deleteDocuments, insertDocument, updateDocuments } from './write-operations.ts';

export class EmbeddedCollection<T extends Document = Document> implements Collection<T> {
  constructor(
    private readonly engine: EmbeddedEngine,
    readonly name: string,
  ) {}

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    return this.engine.read((transaction) => {
      const { matches, isProjected } = runFind(
        this.engine.source(this.name, transaction),
        this.engine.indexesOf(this.name, transaction),
        filter,
        options,
        true,
      );
      const documents = matches.map((match) => match.document as T);
      return isProjected ? documents : projectDocuments(documents, options.projection);
    });
  }

  async *iterate(filter: Filter = {}, options: FindOptions & { batchSize?: number } = {}): AsyncIterable<T> {
    const batchSize = Math.max(1, options.batchSize ?? 1000);
    const plan = this.engine.read((transaction) =>
      planFor(filter, options, this.engine.indexesOf(this.name, transaction), this.engine.source(this.name, transaction)),
    );
    if (!plan.sortedByIndex) {
      const all = await this.find(filter, options);
      for (const document of all) yield document;
      return;
    }
    // Bounded chunks: each one is a short read transaction resuming after the last key walked.
    const matches = compileMatcher(filter);
    const seen = new Set<string>();
    let toSkip = options.skip ?? 0;
    let remaining = options.limit ? options.limit : Infinity;
    let position: WalkPosition | undefined;
    let isDone = false;
    while (!isDone && remaining > 0) {
      const chunk: T[] = [];
      isDone = this.engine.read((transaction) => {
        for (const walked of walkPlan(this.engine.source(this.name, transaction), plan, position, seen)) {
          position = walked.position;
          if (matches && !matches(walked.document)) continue;
          if (toSkip > 0) {
            toSkip -= 1;
            continue;
          }
          chunk.push(walked.document as T);
          remaining -= 1;
          if (chunk.length >= batchSize || remaining <= 0) return false;
        }
        return true;
      });
      for (const document of projectDocuments(chunk, options.projection)) yield document;
    }
  }

  async findOne(filter: Filter = {}, options: FindOptions = {}): Promise<T | null> {
    return (await this.find(filter, { ...options, limit: 1 }))[0] ?? null;
  }

  async countDocuments(filter: Filter = {}, options: CountOptions = {}): Promise<number> {
    return this.engine.read((transaction) =>
      countMatches(this.engine.source(this.name, transaction), this.engine.indexesOf(this.name, transaction), filter, options),
    );
  }

  async insertOne(document: T | Omit<T, '_id'>): Promise<InsertOneResult> {
    return this.engine.write(() => ({ insertedId: insertDocument(this.engine.context(this.name), document as Document) }));
  }

  async insertMany(documents: Array<T | Omit<T, '_id'>>, options: BulkWriteOptions = {}): Promise<InsertManyResult> {
    const result = await this.bulkWrite(
      documents.map((document) => ({ insertOne: { document: document as Document } })),
      options,
    );
    if (result.writeErrors.length > 0) throw new InsertManyError(result.writeErrors, result.insertedCount, result.insertedIds);
    return { insertedCount: result.insertedCount, insertedIds: result.insertedIds };
  }

  async updateOne(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.update({ filter, update, upsert: options.upsert, isMulti: false });
  }

  async updateMany(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.update({ filter, update, upsert: options.upsert, isMulti: true });
  }

  async replaceOne(filter: Filter, replacement: Document, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.update({ filter, replacement, upsert: options.upsert, isMulti: false });
  }

  private async update(request: Parameters<typeof updateDocuments>[1]): Promise<UpdateResult> {
    const outcome = await this.engine.write(() => updateDocuments(this.engine.context(this.name), request));
    return {
      matchedCount: outcome.matchedCount,
      modifiedCount: outcome.modifiedCount,
      upsertedCount: outcome.upsertedId === null ? 0 : 1,
      upsertedId: outcome.upsertedId,
    };
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<T | null> {
    const outcome = await this.engine.write(() =>
      updateDocuments(this.engine.context(this.name), {
        filter,
        update,
        upsert: options.upsert,
        isMulti: false,
        sort: options.sort,
        returnsDocuments: true,
      }),
    );
    const document = options.returnDocument === 'after' ? outcome.after : outcome.before;
    return document ? projectDocuments([document as T], options.projection)[0] : null;
  }

  async findOneAndDelete(filter: Filter, options: FindOneAndDeleteOptions = {}): Promise<T | null> {
    const [document] = await this.engine.write(() =>
      deleteDocuments(this.engine.context(this.name), filter, { isMulti: false, sort: options.sort }),
    );
    return document ? projectDocuments([document as T], options.projection)[0] : null;
  }

  async deleteOne(filter: Filter): Promise<DeleteResult> {
    return {
      deletedCount: await this.engine.write(() => deleteDocuments(this.engine.context(this.name), filter, { isMulti: false }).length),
    };
  }

  async deleteMany(filter: Filter): Promise<DeleteResult> {
    return {
      deletedCount: await this.engine.write(() => deleteDocuments(this.engine.context(this.name), filter, { isMulti: true }).length),
    };
  }

  async bulkWrite(operations: BulkOperation[], options: BulkWriteOptions = {}): Promise<BulkWriteResult> {
    if (operations.length === 0) throw new Error('Invalid BulkOperation, Batch cannot be empty');
    return this.engine.write(
      () => {
        const context = this.engine.context(this.name);
        return applyBulk(() => context, operations, { isOrdered: options.ordered !== false });
      },
      { deferFlush: options.deferFlush },
    );
  }

  /** A leading `$match` is run as a find (so it uses indexes); the rest of the pipeline by mingo. */
  async aggregate<R extends Document = Document>(pipeline: Document[]): Promise<R[]> {
    return this.engine.read((transaction) => {
      const [first, ...rest] = pipeline;
      const hasMatch = first !== undefined && '$match' in first;
      const source = this.engine.source(this.name, transaction);
      const { matches } = runFind(source, this.engine.indexesOf(this.name, transaction), hasMatch ? first.$match : {});
      const stages = hasMatch ? rest : pipeline;
      const documents = matches.map((match) => match.document);
      if (stages.length === 0) return documents as R[];
      const collectionResolver = (name: string): Document[] => this.engine.allDocuments(name, transaction);
      return new Aggregator(withCodecObjectIds(stages), { collectionResolver }).run(documents) as R[];
    });
  }

  async createIndex(keys: IndexKeys, options: IndexOptions = {}): Promise<string> {
    return this.engine.write(() =>
      createIndexInTransaction({
        environment: this.engine.environment,
        catalogue: this.engine.catalogue,
        collection: this.name,
        namespace: this.engine.namespace(this.name),
        collectionPrefix: this.engine.collectionPrefix(this.name),
        keys,
        options,
      }),
    );
  }

  async dropIndex(name: string): Promise<void> {
    await this.engine.write(() =>
      dropIndexInTransaction({ environment: this.engine.environment, catalogue: this.engine.catalogue, collection: this.name, name }),
    );
  }

  async listIndexes(): Promise<IndexDescription[]> {
    const indexes = this.engine.read((transaction) => this.engine.indexesOf(this.name, transaction));
    return [
      { name: PRIMARY_INDEX_NAME, key: { _id: 1 } },
      ...indexes.map((index) => ({
        name: index.name,
        key: { ...index.key },
        ...(index.unique ? { unique: true } : {}),
        ...(index.sparse ? { sparse: true } : {}),
      })),
    ];
  }

  async explain(filter: Filter = {}, options: FindOptions = {}): Promise<QueryPlan> {
    return this.engine.read(
      (transaction) =>
        runFind(this.engine.source(this.name, transaction), this.engine.indexesOf(this.name, transaction), filter, options).explain,
    );
  }
}
