// What MongoDB refuses to store, refused here too with a MongoDB-shaped error, so a test on the embedded store fails
// where production would: a document over 16 MB of BSON (BSONObjMaxUserSize, checked by the server as size >
// 16777216), a field name holding a NUL byte (BSON cannot encode it), a top-level field name starting with `$`
// (nested ones are stored by MongoDB 5.0+, and LL's CRUD surface round-trips them), and nesting deeper than 100 levels.
import { calculateObjectSize } from 'bson';
import type { Document } from '../port.ts';
import { StoreWriteError } from './errors.ts';

export const MAX_BSON_DOCUMENT_BYTES = 16 * 1024 * 1024;
export const MAX_NESTING_DEPTH = 100;
/** MongoDB's codes: BSONObjectTooLarge, BadValue, Overflow. */
export const DOCUMENT_TOO_LARGE_CODE = 10334;
export const INVALID_FIELD_NAME_CODE = 2;
export const NESTING_TOO_DEEP_CODE = 15;

/** BSON is never much smaller than msgpack, so only a large encoding is worth measuring exactly. */
const MEASURE_ABOVE_ENCODED_BYTES = 8 * 1024 * 1024;

export function assertStorable(document: Document, encodedBytes: number): void {
  checkFields(document, 1, '');
  if (encodedBytes > MEASURE_ABOVE_ENCODED_BYTES) {
    const size = calculateObjectSize(document);
    if (size > MAX_BSON_DOCUMENT_BYTES) {
      throw new StoreWriteError(
        DOCUMENT_TOO_LARGE_CODE,
        `BSONObj size: ${size} is invalid. Size must be at most ${MAX_BSON_DOCUMENT_BYTES} (16MB)`,
      );
    }
  }
}

function checkFields(value: unknown, depth: number, path: string): void {
  if (value === null || typeof value !== 'object' || value instanceof Date || ArrayBuffer.isView(value) || '_bsontype' in value) return;
  if (depth > MAX_NESTING_DEPTH)
    throw new StoreWriteError(NESTING_TOO_DEEP_CODE, `document exceeds the maximum nesting depth of ${MAX_NESTING_DEPTH} at ${path}`);
  if (Array.isArray(value)) {
    value.forEach((element, index) => checkFields(element, depth + 1, `${path}.${index}`));
    return;
  }
  for (const [key, field] of Object.entries(value)) {
    if (key.includes('\u0000'))
      throw new StoreWriteError(
        INVALID_FIELD_NAME_CODE,
        `field name ${JSON.stringify(`${path}.${key}`.slice(1))} must not contain a NUL byte`,
      );
    if (depth === 1 && key.startsWith('$'))
      throw new StoreWriteError(INVALID_FIELD_NAME_CODE, `field name ${JSON.stringify(`${path}.${key}`.slice(1))} must not start with '$'`);
    checkFields(field, depth + 1, `${path}.${key}`);
  }
}
