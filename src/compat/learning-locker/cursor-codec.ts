// Connection cursors in Learning Locker's two encodings (compat spec 4.2, 4.3), so clients holding LL cursors keep
// working and clients that inspect ours see what LL would emit:
//   PS format (personas, identifiers): base64(JSON of the node's sort-key values, top-level ObjectIds as {"$oid"});
//   generic format (attributes):       base64(JSON of the same values, ObjectIds as plain hex, Dates as ISO text).
// Both are accepted on input. We encode UTF-8 (LL's ASCII encoding mangles non-ASCII values; identical for ASCII),
// and a malformed cursor is a 400, never LL's 500.
import { ObjectId } from 'bson';
import type { Sort } from '../../store/port.ts';
import { badParameter } from '../../core/errors/compat-error.ts';
import { getPath, setPath } from './document-paths.ts';
import { isObjectId } from '../../domain/is-object-id.ts';
import { OBJECT_ID_TEXT } from '../../domain/object-id-text.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

export type CursorFormat = 'ps' | 'generic';

/** Fields whose values are ObjectIds / Dates in our collections: cursor values for them are cast back on input. */
const OBJECT_ID_FIELDS = new Set(['_id', 'organisation', 'persona', 'personaId', 'mergedInto']);
const DATE_FIELDS = new Set(['createdAt', 'updatedAt', 'lockedAt']);
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** lodash `pick(document, sortKeys)`: dotted keys yield nested objects; absent values are left out. */
function pickSortValues(document: Record<string, any>, sort: Sort): Record<string, any> {
  const picked: Record<string, any> = {};
  for (const key of Object.keys(sort)) {
    const value = getPath(document, key);
    if (value !== undefined) setPath(picked, key, value);
  }
  return picked;
}

export function encodeCursor(document: Record<string, any>, sort: Sort, format: CursorFormat): string {
  const picked = pickSortValues(document, sort);
  // A Date under a field not known to hold Dates would come back as text and page from the wrong place: it travels
  // as {"$date": iso} (decoded below). Known date fields keep LL's plain ISO text.
  for (const key of Object.keys(sort)) {
    const value = getPath(picked, key);
    if (value instanceof Date && !DATE_FIELDS.has(key.split('.').pop() as string)) setPath(picked, key, { $date: value.toISOString() });
  }
  if (format === 'ps') {
    for (const key of Object.keys(picked)) {
      if (isObjectId(picked[key])) picked[key] = { $oid: picked[key].toHexString() };
    }
  }
  // JSON.stringify renders nested ObjectIds as hex (ObjectId#toJSON) and Dates as ISO text, as LL's does.
  return Buffer.from(JSON.stringify(picked), 'utf8').toString('base64');
}

/** Casts a decoded cursor value back to the stored type of its field (what mongoose does for LL's generic format). */
function castCursorValue(path: string, value: unknown): unknown {
  const field = path.split('.').pop() as string;
  if (isPlainObject(value) && Object.keys(value).length === 1 && typeof value.$oid === 'string' && OBJECT_ID_TEXT.test(value.$oid)) {
    return new ObjectId(value.$oid);
  }
  if (
    isPlainObject(value) &&
    Object.keys(value).length === 1 &&
    typeof value.$date === 'string' &&
    !Number.isNaN(new Date(value.$date).getTime())
  ) {
    return new Date(value.$date);
  }
  if (OBJECT_ID_FIELDS.has(field) && typeof value === 'string' && OBJECT_ID_TEXT.test(value)) return new ObjectId(value);
  if (DATE_FIELDS.has(field) && typeof value === 'string') {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return value;
}

export interface DecodedCursor {
  /** Sort key → position value; a key absent from the cursor is absent from the map. */
  values: Map<string, unknown>;
  /** True for `{}` (LL's `"e30="` empty-page cursor): it marks no position. */
  isEmpty: boolean;
}

/**
 * Decodes a cursor of either format for the given sort. A cursor that is not base64 of a JSON object, or that holds
 * none of the sort keys, is a 400. A missing trailing `_id` (LL cursors for a sort without our tie-breaker) is left
 * out of the position; any other missing key stands for null (the document lacked the field).
 */
export function decodeCursor(cursor: string, sort: Sort, parameter: string): DecodedCursor {
  if (!BASE64.test(cursor)) throw badParameter('query.invalid_cursor', parameter, 'is not a cursor (not base64)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch {
    throw badParameter('query.invalid_cursor', parameter, 'is not a cursor (not JSON)');
  }
  if (!isPlainObject(parsed)) throw badParameter('query.invalid_cursor', parameter, 'is not a cursor (not an object)');
  const values = new Map<string, unknown>();
  if (Object.keys(parsed).length === 0) return { values, isEmpty: true };
  const keys = Object.keys(sort);
  if (!keys.some((key) => getPath(parsed, key) !== undefined)) {
    throw badParameter('query.invalid_cursor', parameter, `does not match the sort (${keys.join(', ')})`);
  }
  keys.forEach((key, index) => {
    const value = getPath(parsed, key);
    // LL's pick leaves out a field the document lacks; missing sorts as null, so that is its position.
    if (value === undefined) {
      const isTrailingTieBreaker = key === '_id' && index === keys.length - 1;
      if (!isTrailingTieBreaker) values.set(key, null);
      return;
    }
    values.set(key, castCursorValue(key, value));
  });
  return { values, isEmpty: false };
}
