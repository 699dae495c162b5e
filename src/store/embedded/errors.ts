// Errors of the embedded engine, shaped like the MongoDB driver's MongoServerError (code, errmsg, keyPattern,
// keyValue) so domain code written against the port handles both adapters the same way.
import { DUPLICATE_KEY_CODE, type WriteError } from '../port.ts';
import { isObjectId } from '../../domain/is-object-id.ts';

/** An error the server reports for one write; bulk writes turn it into a WriteError instead of throwing. */
export class StoreWriteError extends Error {
  override name = 'MongoServerError';
  readonly code: number;
  readonly errmsg: string;
  constructor(code: number, errmsg: string) {
    super(errmsg);
    this.code = code;
    this.errmsg = errmsg;
  }

  toWriteError(index: number): WriteError {
    return { index, code: this.code, errmsg: this.errmsg };
  }
}

export class DuplicateKeyError extends StoreWriteError {
  readonly keyPattern: Record<string, any>;
  readonly keyValue: Record<string, any>;
  constructor(namespace: string, indexName: string, keyPattern: Record<string, any>, keyValue: Record<string, any>) {
    super(DUPLICATE_KEY_CODE, `E11000 duplicate key error collection: ${namespace} index: ${indexName} dup key: ${describeKey(keyValue)}`);
    this.keyPattern = keyPattern;
    this.keyValue = keyValue;
  }

  override toWriteError(index: number): WriteError {
    return { index, code: this.code, errmsg: this.errmsg, keyPattern: this.keyPattern, keyValue: this.keyValue };
  }
}

/** insertMany's failure, like the driver's MongoBulkWriteError: the first error's code plus every write error. */
export class InsertManyError extends Error {
  override name = 'MongoBulkWriteError';
  readonly code: number;
  constructor(
    readonly writeErrors: WriteError[],
    readonly insertedCount: number,
    readonly insertedIds: Record<number, any>,
  ) {
    super(writeErrors[0]?.errmsg ?? 'bulk write failed');
    this.code = writeErrors[0]?.code ?? 0;
  }
}

/**
 * The data file could not grow (MDB_MAP_FULL, disk full, file-size limit; LMDB reports the latter two as an I/O
 * error of the commit): the transaction was rolled back, nothing of it was written.
 */
export class StoreFullError extends Error {
  override name = 'StoreFullError';
  /** A registered API error code (src/http/errors): the HTTP surfaces answer 507 with it. */
  readonly code = 'store.full';
  readonly status = 507;
  constructor(cause: unknown) {
    const detail = String((cause as { message?: unknown })?.message ?? cause);
    super(`embedded store is full (${detail}): free disk space or raise EMBEDDED_MAP_SIZE_GB; the write was rolled back`, { cause });
  }
}

export const immutableIdError = (): StoreWriteError =>
  new StoreWriteError(66, "Performing an update on the path '_id' would modify the immutable field '_id'");

export const badUpdateError = (detail: string): StoreWriteError => new StoreWriteError(9, detail);

/** Rewrites LMDB's map-full failure into StoreFullError; other errors pass through unchanged. */
export function translateLmdbError(error: unknown): unknown {
  const text = String((error as { message?: unknown })?.message ?? error);
  return /MDB_MAP_FULL|map ?full|ENOSPC|No space left|EFBIG|File too large|Input\/output error|EIO/i.test(text)
    ? new StoreFullError(error)
    : error;
}

function describeKey(keyValue: Record<string, any>): string {
  const parts = Object.entries(keyValue).map(([field, value]) => `${field}: ${describeValue(value)}`);
  return `{ ${parts.join(', ')} }`;
}

function describeValue(value: unknown): string {
  if (isObjectId(value)) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value === undefined) return 'null';
  return JSON.stringify(value) ?? String(value);
}
