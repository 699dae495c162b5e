// Matchers for the filters the hot paths use: top-level fields compared by equality (`v`, `$eq`) or `$in` with
// scalar values (strings, numbers, booleans, ObjectIds, Dates, null). Anything else compiles to null and mingo
// decides. Semantics are MongoDB's: an array field matches by any element, null matches a missing field.
import type { ObjectId } from 'bson';
import type { Document, Filter, Projection } from '../port.ts';
import { isObjectId } from '../../domain/is-object-id.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

export type Scalar = string | number | boolean | ObjectId | Date | null;

export function isScalar(value: unknown): value is Scalar {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return !Number.isNaN(value);
    case 'object':
      return isObjectId(value) || (value instanceof Date && !Number.isNaN(value.getTime()));
    default:
      return false;
  }
}

/** A lookup key per scalar that is equal exactly when MongoDB's equality says so (ObjectIds by value, Dates by time). */
function scalarKey(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return value;
  if (isObjectId(value)) return `\u0000o${value.toHexString()}`;
  if (value instanceof Date) return `\u0000d${value.getTime()}`;
  return undefined; // sub-documents, binaries, ...: never equal to a scalar here
}

function valueMatcher(wanted: Scalar[]): (stored: unknown) => boolean {
  if (wanted.length === 1) {
    const [only] = wanted;
    if (only === null) return (stored) => stored === null || stored === undefined;
    if (typeof only !== 'object') return (stored) => stored === only;
    const key = scalarKey(only);
    return (stored) => typeof stored === 'object' && stored !== null && scalarKey(stored) === key;
  }
  const keys = new Set(wanted.map(scalarKey));
  return (stored) => {
    const key = scalarKey(stored);
    return key !== undefined && keys.has(key);
  };
}

/** null when the filter needs more than top-level scalar equality and `$in`. */
export function compileSimpleFilter(filter: Filter): ((document: Document) => boolean) | null {
  const tests: Array<[string, (stored: unknown) => boolean]> = [];
  for (const [path, expression] of Object.entries(filter)) {
    if (path.startsWith('$') || path.includes('.')) return null;
    let wanted: Scalar[];
    if (isScalar(expression)) wanted = [expression];
    else if (isPlainObject(expression) && Object.keys(expression).length === 1) {
      if (isScalar(expression.$eq)) wanted = [expression.$eq];
      else if (Array.isArray(expression.$in) && expression.$in.length > 0 && expression.$in.every(isScalar)) wanted = expression.$in;
      else return null;
    } else return null;
    const matches = valueMatcher(wanted);
    // An array field matches when the array holds a matching element (no scalar equals an array itself).
    tests.push([path, (stored) => (Array.isArray(stored) ? stored.some(matches) : matches(stored))]);
  }
  return (document) => {
    for (const [path, matches] of tests) if (!matches(document[path])) return false;
    return true;
  };
}

/**
 * Top-level inclusion or exclusion projections (`{ a: 1, b: 1 }`, `{ _id: 0, secret: 0 }`) as a plain copy in document
 * order; null for dotted paths, operators or a mix that mingo must handle (or refuse).
 */
export function compileSimpleProjection(projection: Projection): ((document: Document) => Document) | null {
  const entries = Object.entries(projection);
  if (entries.some(([path, flag]) => path.includes('.') || path.startsWith('$') || ![0, 1, true, false].includes(flag as never)))
    return null;
  const others = entries.filter(([path]) => path !== '_id');
  const includesId = projection._id === undefined || Boolean(projection._id);
  const isInclusion = others.some(([, flag]) => Boolean(flag)) || (others.length === 0 && includesId);
  if (isInclusion && others.some(([, flag]) => !flag)) return null;
  const named = new Set(others.map(([path]) => path));
  if (isInclusion) {
    return (document) => {
      const out: Document = {};
      for (const key of Object.keys(document)) if (key === '_id' ? includesId : named.has(key)) out[key] = document[key];
      return out;
    };
  }
  if (!includesId) named.add('_id');
  return (document) => {
    const out: Document = {};
    for (const key of Object.keys(document)) if (!named.has(key)) out[key] = document[key];
    return out;
  };
}
