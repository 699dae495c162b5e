// The storage port: the small collection interface, with MongoDB semantics, that all domain code is written against.
// Two adapters implement it (embedded: lmdb + mingo; mongodb: the official driver). The contract suite in
// test/store/ is the definition of what it promises: a behaviour that is not tested there is not promised.

export type Document = Record<string, any>;
/** A MongoDB query filter (plain object, MongoDB operators). */
export type Filter = Record<string, any>;
/** A MongoDB update document made of update operators (`$set`, `$unset`, `$setOnInsert`, `$inc`, `$push`, `$addToSet`, `$pull`). */
export type Update = Record<string, any>;
export type SortDirection = 1 | -1;
/** Keys in priority order (object key order is significant). */
export type Sort = Record<string, SortDirection>;
export type Projection = Record<string, 0 | 1 | boolean>;
export type IndexKeys = Record<string, SortDirection>;

export interface FindOptions {
  sort?: Sort;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
  projection?: Projection;
  /** An index name or key pattern; the adapter must use it or fail. */
  hint?: string | IndexKeys;
}

export interface CountOptions {
  skip?: number;
  limit?: number;
}

export interface UpdateOptions {
  upsert?: boolean;
}

export interface FindOneAndUpdateOptions extends UpdateOptions {
  /** Which version of the document to return; MongoDB's default is 'before'. */
  returnDocument?: 'before' | 'after';
  sort?: Sort;
  projection?: Projection;
}

export interface FindOneAndDeleteOptions {
  sort?: Sort;
  projection?: Projection;
}

export interface InsertOneResult {
  insertedId: any;
}

export interface InsertManyResult {
  insertedCount: number;
  /** Operation index → `_id`. */
  insertedIds: Record<number, any>;
}

export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
  upsertedId: any | null;
}

export interface DeleteResult {
  deletedCount: number;
}

export type BulkOperation =
  | { insertOne: { document: Document } }
  | { updateOne: { filter: Filter; update: Update; upsert?: boolean } }
  | { updateMany: { filter: Filter; update: Update; upsert?: boolean } }
  | { replaceOne: { filter: Filter; replacement: Document; upsert?: boolean } }
  | { deleteOne: { filter: Filter } }
  | { deleteMany: { filter: Filter } };

/**
 * One failed operation of a bulk write, as MongoDB reports it. Only `index`, `code` and `errmsg` are promised: the
 * driver drops the server's keyPattern/keyValue from bulk write errors (the embedded engine may still fill them;
 * never rely on them). A duplicate key thrown by a single-document write does carry keyPattern and keyValue.
 */
export interface WriteError {
  /** Index of the operation in the array passed to bulkWrite. */
  index: number;
  /** MongoDB error code: 11000 for a duplicate key. */
  code: number;
  errmsg: string;
  /** Embedded only; absent on MongoDB. */
  keyPattern?: Record<string, any>;
  /** Embedded only; absent on MongoDB. */
  keyValue?: Record<string, any>;
}

/**
 * Bulk writes never throw for per-operation write errors (unlike the driver, which throws MongoBulkWriteError):
 * the adapter reports them in `writeErrors`, so domain code handles lost races without try/catch. Every other
 * failure (a command error such as a stepdown, a write-concern error, a dropped connection) is thrown, and what the
 * bulk wrote before it may stay written: a bulk is not atomic on MongoDB (use applyAtomically for that).
 * Ordered: stops at the first error. Unordered: every operation is attempted, in array order.
 */
export interface BulkWriteResult {
  insertedCount: number;
  matchedCount: number;
  modifiedCount: number;
  deletedCount: number;
  upsertedCount: number;
  /** Operation index → `_id` of the inserted document. */
  insertedIds: Record<number, any>;
  /** Operation index → `_id` of the upserted document. */
  upsertedIds: Record<number, any>;
  writeErrors: WriteError[];
}

export function emptyBulkResult(): BulkWriteResult {
  return {
    insertedCount: 0,
    matchedCount: 0,
    modifiedCount: 0,
    deletedCount: 0,
    upsertedCount: 0,
    insertedIds: {},
    upsertedIds: {},
    writeErrors: [],
  };
}

export interface BulkWriteOptions {
  /** Default true, as in MongoDB. */
  ordered?: boolean;
  /**
   * The store may acknowledge once the write is applied and visible, before it is on disk (as MongoDB's `j: false`);
   * the caller then awaits `Store.flush()` before acknowledging anything that depends on it. Lets a caller that writes
   * several times in a row pay for one flush. Stores that flush otherwise (MongoDB: its write concern) ignore it.
   */
  deferFlush?: boolean;
}

export interface IndexOptions {
  unique?: boolean;
  /** Default: MongoDB's generated name (`organisation_1_ifi.key_1`). */
  name?: string;
  sparse?: boolean;
}

export interface IndexDescription {
  name: string;
  key: IndexKeys;
  unique?: boolean;
  sparse?: boolean;
}

/** How a query was (or would be) executed; used by tests to prove that an index serves a query. */
export interface QueryPlan {
  /** Name of the index walked, or null for a collection scan. */
  indexName: string | null;
  /** Documents read from storage and tested against the filter. */
  docsExamined: number;
  /** Documents returned. */
  nReturned: number;
  /** True when the sort came from walking the index, so no in-memory sort was needed. */
  sortedByIndex: boolean;
}

export interface Collection<T extends Document = Document> {
  readonly name: string;
  find(filter?: Filter, options?: FindOptions): Promise<T[]>;
  /** Streams matches in bounded chunks (for exports and back-fills over large collections). */
  iterate(filter?: Filter, options?: FindOptions & { batchSize?: number }): AsyncIterable<T>;
  findOne(filter?: Filter, options?: FindOptions): Promise<T | null>;
  countDocuments(filter?: Filter, options?: CountOptions): Promise<number>;
  /** Inserts; assigns an ObjectId `_id` when missing. Duplicate key: throws an error with `code: 11000`. */
  insertOne(document: T | Omit<T, '_id'>): Promise<InsertOneResult>;
  /** Throws on the first error when ordered (default); the error carries `code: 11000` and `writeErrors`. */
  insertMany(documents: Array<T | Omit<T, '_id'>>, options?: BulkWriteOptions): Promise<InsertManyResult>;
  updateOne(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult>;
  updateMany(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult>;
  replaceOne(filter: Filter, replacement: Document, options?: UpdateOptions): Promise<UpdateResult>;
  /** Returns the document (before or after) or null; the update is atomic. */
  findOneAndUpdate(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<T | null>;
  findOneAndDelete(filter: Filter, options?: FindOneAndDeleteOptions): Promise<T | null>;
  deleteOne(filter: Filter): Promise<DeleteResult>;
  deleteMany(filter: Filter): Promise<DeleteResult>;
  bulkWrite(operations: BulkOperation[], options?: BulkWriteOptions): Promise<BulkWriteResult>;
  aggregate<R extends Document = Document>(pipeline: Document[]): Promise<R[]>;
  /** Idempotent for the same keys and options; returns the index name. Unique on violating data: throws code 11000. */
  createIndex(keys: IndexKeys, options?: IndexOptions): Promise<string>;
  listIndexes(): Promise<IndexDescription[]>;
  /** Removes an index by name (a migration replacing one with other options); unknown name: code 27 (IndexNotFound). */
  dropIndex(name: string): Promise<void>;
  /** Plan of a find (see QueryPlan). */
  explain(filter?: Filter, options?: FindOptions): Promise<QueryPlan>;
}

/** One document written (inserted, updated, replaced) after a change token; deletions are not promised. */
export interface DocumentChange {
  collection: string;
  /** The document's `_id`. */
  id: any;
}

/** What `changesSince` answers while the store still holds the history after the token. */
export interface ChangeBatch {
  /**
   * Documents written after the token, in commit order. A document written several times may appear several
   * times; one written and then deleted may appear although it is gone (read it back before trusting it).
   */
  changes: DocumentChange[];
  /** Where the next call resumes: every commit after the one answered here comes after it. Opaque, storable text. */
  token: string;
  /** The batch stopped at the limit: call again with `token` for the rest. */
  hasMore: boolean;
}

/**
 * The store no longer holds the history after the token (the embedded change log was trimmed past it, MongoDB's
 * oplog rolled over it, the token belongs to another store): the caller must rescan what it follows.
 */
export interface ChangeHistoryLost {
  historyLost: true;
}

export interface ChangesSinceOptions {
  /** Most changes per batch. Default DEFAULT_CHANGE_BATCH. */
  limit?: number;
}

export const DEFAULT_CHANGE_BATCH = 10_000;

/** One operation of an atomic unit: a bulk operation addressed to a collection. */
export type AtomicOperation = { collection: string } & BulkOperation;

export interface Store {
  readonly kind: 'embedded' | 'mongodb';
  collection<T extends Document = Document>(name: string): Collection<T>;
  /**
   * Applies all operations or none (an error leaves nothing applied and is thrown).
   * Absent when the engine cannot offer it (MongoDB standalone server): callers must then use journaled steps.
   */
  applyAtomically?: (operations: AtomicOperation[]) => Promise<BulkWriteResult>;
  /**
   * The current position of the store's commit order: every write acknowledged after this resolves is answered by
   * `changesSince(…, token)`. Taken before a full scan, it makes the scan and the changes after it miss nothing.
   */
  changeToken(): Promise<string>;
  /**
   * The documents of these collections carrying this `organisation` that were written after `token`, in commit
   * order, whatever clock the writers had and however slowly they committed (server-side order, not timestamps).
   * Embedded: a change log written in the same LMDB transaction as each write. MongoDB: a change stream, so it
   * needs a replica set or a sharded cluster (a standalone server refuses with a message saying so).
   */
  changesSince(
    collections: string[],
    organisation: unknown,
    token: string,
    options?: ChangesSinceOptions,
  ): Promise<ChangeBatch | ChangeHistoryLost>;
  /** Resolves once every write acknowledged before the call (deferFlush ones too) is on disk. */
  flush(): Promise<void>;
  /** Resolves when the store answers; throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The code MongoDB uses for a unique-index violation. */
export const DUPLICATE_KEY_CODE = 11000;

export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY_CODE;
}

/**
 * Runs an upsert again when it lost a race for a unique key: two writers both missed, the other inserted first, and
 * this one got 11000. MongoDB retries only some of these itself (an equality on every unique-index field, 4.2+); the
 * second attempt matches the winner's document and updates it, so the caller's write is not lost.
 */
export async function upsertRetryingDuplicateKey<R>(upsert: () => Promise<R>): Promise<R> {
  try {
    return await upsert();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return upsert();
  }
}

/**
 * Inserts documents, unordered, where a document that already exists (a concurrent writer got there first, or a
 * retry) is fine: duplicate-key failures are ignored, any other failure is thrown.
 */
export async function insertManyIgnoringDuplicates<T extends Document>(
  collection: Collection<T>,
  documents: Array<T | Omit<T, '_id'>>,
): Promise<void> {
  if (documents.length === 0) return;
  try {
    await collection.insertMany(documents, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: Array<{ code: number }> }).writeErrors;
    if (!isDuplicateKeyError(error) || writeErrors?.some((entry) => entry.code !== DUPLICATE_KEY_CODE)) throw error;
  }
}
