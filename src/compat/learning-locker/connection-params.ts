// Parsing of the connection parameters (compat spec 4.1): `sort`, `project`, `hint` as JSON text, `first`/`last` with
// parseInt semantics, `after`/`before` cursors. Every malformed value is a 400 naming the parameter.
import type { IndexKeys, Projection, Sort } from '../../store/port.ts';
import { badParameter } from '../../core/errors/compat-error.ts';
import { getPath } from './document-paths.ts';
import { parseJsonParameter } from './filter-parsing.ts';
import { parseIntLikeLl } from './route-kit.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

export const DEFAULT_SORT: Sort = { _id: 1 };

function checkFieldName(key: string, parameter: string): void {
  if (key === '' || key.startsWith('$') || key.split('.').some((part) => part === '' || part === '__proto__')) {
    throw badParameter('query.invalid_field', `${parameter}.${key}`, 'is not a field name');
  }
}

/** `sort` JSON: keys in priority order, values 1 or -1 (LL also accepts the strings "1"/"-1" via Mongo). */
export function parseSort(raw: unknown, parameter = 'sort'): Sort {
  const parsed = parseJsonParameter(parameter, raw);
  if (parsed === undefined || parsed === null) return { ...DEFAULT_SORT };
  if (!isPlainObject(parsed)) throw badParameter('query.invalid_sort', parameter, 'must be a JSON object of field: 1 | -1');
  const sort: Sort = {};
  for (const key of Object.keys(parsed)) {
    checkFieldName(key, parameter);
    const direction = Number(parsed[key]);
    if (direction !== 1 && direction !== -1) throw badParameter('query.invalid_sort', `${parameter}.${key}`, 'must be 1 or -1');
    sort[key] = direction;
  }
  return Object.keys(sort).length === 0 ? { ...DEFAULT_SORT } : sort;
}

/** `project` JSON: a MongoDB projection of 0/1/true/false values, inclusion or exclusion (except `_id`). */
export function parseProjection(raw: unknown, parameter = 'project'): Projection | undefined {
  const parsed = parseJsonParameter(parameter, raw);
  if (parsed === undefined || parsed === null) return undefined;
  if (!isPlainObject(parsed)) throw badParameter('query.invalid_projection', parameter, 'must be a JSON object of field: 0 | 1');
  const projection: Projection = {};
  for (const key of Object.keys(parsed)) {
    checkFieldName(key, parameter);
    const value = parsed[key];
    if (value !== 0 && value !== 1 && value !== true && value !== false) {
      throw badParameter('query.invalid_projection', `${parameter}.${key}`, 'must be 0, 1, true or false');
    }
    projection[key] = value;
  }
  const kinds = new Set(
    Object.entries(projection)
      .filter(([key]) => key !== '_id')
      .map(([, value]) => Boolean(value)),
  );
  if (kinds.size > 1) throw badParameter('query.invalid_projection', parameter, 'cannot mix inclusion and exclusion');
  return Object.keys(projection).length === 0 ? undefined : projection;
}

/** `hint` JSON: an index name as a JSON string (`"organisation_1"`), or an index key object. */
export function parseHint(raw: unknown, parameter = 'hint'): string | IndexKeys | undefined {
  const parsed = parseJsonParameter(parameter, raw);
  if (parsed === undefined || parsed === null) return undefined;
  if (typeof parsed === 'string' && parsed !== '') return parsed;
  if (isPlainObject(parsed) && Object.keys(parsed).length > 0) {
    const keys: IndexKeys = {};
    for (const key of Object.keys(parsed)) {
      checkFieldName(key, parameter);
      if (parsed[key] !== 1 && parsed[key] !== -1) throw badParameter('query.invalid_hint', `${parameter}.${key}`, 'must be 1 or -1');
      keys[key] = parsed[key];
    }
    return keys;
  }
  throw badParameter('query.invalid_hint', parameter, 'must be an index name (JSON string) or an index key object');
}

/** LL's parseInt (parseIntLikeLl): non-numbers become NaN (treated as absent); a negative size is refused. */
export function parsePageSize(raw: unknown, parameter: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw badParameter('query.invalid_page_size', parameter, 'must be given once');
  const value = parseIntLikeLl(raw);
  if (Number.isNaN(value)) return undefined;
  if (value < 0) throw badParameter('query.invalid_page_size', parameter, 'must not be negative');
  return value;
}

export function parseCursorParameter(raw: unknown, parameter: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw badParameter('query.invalid_cursor', parameter, 'must be given once');
  return raw;
}

/** Applies a validated projection to a document (top-level and dotted paths), as MongoDB would. */
export function applyProjection<T extends Record<string, any>>(document: T, projection: Projection | undefined): Record<string, any> {
  if (!projection) return document;
  const entries = Object.entries(projection);
  const isInclusion = entries.some(([key, value]) => key !== '_id' && Boolean(value));
  const excludesId = projection._id === 0 || projection._id === false;
  if (isInclusion) {
    const result: Record<string, any> = {};
    if (!excludesId && document._id !== undefined) result._id = document._id;
    for (const [key, value] of entries) {
      if (key === '_id' || !value) continue;
      copyPath(document, result, key.split('.'));
    }
    return result;
  }
  const result: Record<string, any> = structuredCloneShallow(document);
  for (const [key] of entries) removePath(result, key.split('.'));
  return result;
}

function structuredCloneShallow(document: Record<string, any>): Record<string, any> {
  const copy: Record<string, any> = {};
  for (const [key, value] of Object.entries(document)) copy[key] = isPlainObject(value) ? structuredCloneShallow(value) : value;
  return copy;
}

function copyPath(source: Record<string, any>, target: Record<string, any>, parts: string[]): void {
  const [head, ...rest] = parts;
  if (!(head in source)) return;
  if (rest.length === 0) {
    target[head] = source[head];
    return;
  }
  if (!isPlainObject(source[head])) return;
  if (!isPlainObject(target[head])) target[head] = {};
  copyPath(source[head], target[head], rest);
}

function removePath(target: Record<string, any>, parts: string[]): void {
  const [head, ...rest] = parts;
  if (rest.length === 0) {
    delete target[head];
    return;
  }
  if (isPlainObject(target[head])) removePath(target[head], rest);
}

export { getPath };
