// ERM query options of the attribute routes (compat spec 3.6): `query` (with shorthands, then LL's parseQuery),
// `sort` and `select` as JSON or mongoose strings, `skip`/`limit`, `distinct`; and mongoose's casting of filter values
// to the PersonaAttribute schema (hex strings → ObjectIds for `_id`/`personaId`/`organisation`, text → Dates).
import { ObjectId } from 'bson';
import type { Filter, Projection, Sort } from '../../store/port.ts';
import { CompatError, badParameter } from '../../core/errors/compat-error.ts';
import { parseFilter } from './filter-parsing.ts';
import { isObjectIdText } from '../../domain/object-id-text.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

const OBJECT_ID_FIELDS = new Set(['_id', 'personaId', 'organisation']);
const DATE_FIELDS = new Set(['createdAt', 'updatedAt']);

/** ERM answers an unparsable `query` with `{"description": "invalid_json", "statusCode": 400}`. */
export class ErmQueryError extends CompatError {
  readonly description = 'invalid_json';
}

function castValue(field: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => castValue(field, item));
  if (OBJECT_ID_FIELDS.has(field) && isObjectIdText(value)) return new ObjectId(value);
  if (DATE_FIELDS.has(field) && (typeof value === 'string' || typeof value === 'number')) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  return value;
}

function castCondition(field: string, condition: unknown): unknown {
  if (!isPlainObject(condition)) return castValue(field, condition);
  const keys = Object.keys(condition);
  if (!keys.every((key) => key.startsWith('$'))) return condition;
  const cast: Record<string, unknown> = {};
  for (const key of keys) {
    cast[key] = ['$exists', '$type', '$size', '$regex', '$options', '$mod'].includes(key)
      ? condition[key]
      : key === '$not' || key === '$elemMatch'
        ? castCondition(field, condition[key])
        : castValue(field, condition[key]);
  }
  return cast;
}

/** Mongoose's casting of a filter's values for LL's models (attributes, import models): ERM queries and generic connections. */
export function castAttributeFilter(filter: Filter): Filter {
  const cast: Filter = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') cast[key] = (value as Filter[]).map(castAttributeFilter);
    else cast[key] = castCondition(key, value);
  }
  return cast;
}

export function parseAttributeQuery(raw: unknown): Filter {
  try {
    // `$personaIdent` is checked here (before authentication, as ERM parses) and expanded by the route once the
    // caller's organisation is known.
    return castAttributeFilter(parseFilter(raw, { parameter: 'query', ermShorthands: true, personaIdent: true }));
  } catch (error) {
    if (error instanceof CompatError && error.code === 'query.invalid_json') {
      throw new ErmQueryError(error.code, error.message, error.details);
    }
    throw error;
  }
}

function jsonOrText(raw: unknown, parameter: string): unknown {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw badParameter('query.invalid_parameter', parameter, 'must be given once');
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function checkField(field: string, parameter: string): void {
  if (field === '' || field.startsWith('$') || field.includes('__proto__')) {
    throw badParameter('query.invalid_field', `${parameter}.${field}`, 'is not a field name');
  }
}

/** `sort`: JSON `{"key": 1}` or mongoose text `"key -value"` / `"-createdAt"`. `_id` is appended for a total order. */
export function parseErmSort(raw: unknown): Sort | undefined {
  const value = jsonOrText(raw, 'sort');
  if (value === undefined) return undefined;
  const sort: Sort = {};
  if (typeof value === 'string') {
    for (const token of value.split(/[\s,]+/).filter(Boolean)) {
      const field = token.replace(/^[-+]/, '');
      checkField(field, 'sort');
      sort[field] = token.startsWith('-') ? -1 : 1;
    }
  } else if (isPlainObject(value)) {
    for (const [field, direction] of Object.entries(value)) {
      checkField(field, 'sort');
      const normalised =
        direction === 'desc' || direction === 'descending' ? -1 : direction === 'asc' || direction === 'ascending' ? 1 : Number(direction);
      if (normalised !== 1 && normalised !== -1) throw badParameter('query.invalid_sort', `sort.${field}`, 'must be 1 or -1');
      sort[field] = normalised;
    }
  } else {
    throw badParameter('query.invalid_sort', 'sort', 'must be a JSON object or a field list');
  }
  return sort;
}

/** `select`: JSON projection or `"key,-value"` (ERM: a leading `-` excludes). */
export function parseErmSelect(raw: unknown): Projection | undefined {
  const value = jsonOrText(raw, 'select');
  if (value === undefined) return undefined;
  const projection: Projection = {};
  if (typeof value === 'string') {
    for (const token of value.split(/[\s,]+/).filter(Boolean)) {
      const field = token.replace(/^-/, '');
      checkField(field, 'select');
      projection[field] = token.startsWith('-') ? 0 : 1;
    }
  } else if (isPlainObject(value)) {
    for (const [field, flag] of Object.entries(value)) {
      checkField(field, 'select');
      if (![0, 1, true, false].includes(flag as number))
        throw badParameter('query.invalid_projection', `select.${field}`, 'must be 0 or 1');
      projection[field] = flag as 0 | 1;
    }
  } else {
    throw badParameter('query.invalid_projection', 'select', 'must be a JSON object or a field list');
  }
  const kinds = new Set(
    Object.entries(projection)
      .filter(([key]) => key !== '_id')
      .map(([, flag]) => Boolean(flag)),
  );
  if (kinds.size > 1) throw badParameter('query.invalid_projection', 'select', 'cannot mix inclusion and exclusion');
  return Object.keys(projection).length ? projection : undefined;
}
