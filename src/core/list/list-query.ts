// Parses a list route's query string (native-api.md "Conventions") into a typed ListQuery: paging (limit clamped to
// 100, offset or an after/before cursor), `search.<field>.<op>=` conditions with values parsed by field type,
// `search=`, `sort=` (a `_id` tie-breaker is added later), `stack=` and `include=`. Every problem is a 400 naming the
// parameter; nothing here touches the store.
import { attributeValueProblem } from '../../domain/attribute-value.ts';
import { ObjectId } from 'bson';
import { apiError, detail } from '../errors/api-error.ts';
import { fieldSpecOf, OPERATORS, type FieldSpec, type FieldType, type ListSpec, type Operator } from './list-fields.ts';
import { OBJECT_ID_TEXT } from '../../domain/object-id-text.ts';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const MAX_VALUE_LENGTH = 1000;

export interface Condition {
  field: string;
  spec: FieldSpec;
  op: Operator;
  /** Parsed by type: ObjectId, Date, boolean, number, string, or an array of those for `in`; for `scalar` eq/ne/in an array of candidates. */
  value: unknown;
}

export interface SortKey {
  field: string;
  path: string;
  direction: 1 | -1;
}

export interface ListQuery {
  limit: number;
  offset: number;
  after: string | null;
  before: string | null;
  conditions: Condition[];
  search: string | null;
  sort: SortKey[];
  /** sort= was given (else `sort` is the list's default): `search=` pages in match order only without it. */
  isSortGiven?: boolean;
  stack: SortKey | null;
  include: string[];
  /** The route's own parameters (spec.extraParameters), raw. */
  extra: Record<string, string>;
}

function invalidFilter(parameter: string, reason: string) {
  return apiError('query.invalid_filter', { parameter, reason }, [
    detail(`query.${parameter}`, 'query.invalid_filter', { parameter, reason }),
  ]);
}

function parseInteger(raw: string, code: 'query.invalid_limit' | 'query.invalid_offset', minimum: number): number {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < minimum) throw apiError(code);
  return Number(raw);
}

function parseScalar(raw: string, type: FieldType, parameter: string): unknown {
  if (raw.length > MAX_VALUE_LENGTH) throw invalidFilter(parameter, `values are at most ${MAX_VALUE_LENGTH} characters`);
  switch (type) {
    case 'id':
      if (!OBJECT_ID_TEXT.test(raw)) throw invalidFilter(parameter, 'expected a 24-hex id');
      return new ObjectId(raw);
    case 'date': {
      const date = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(Number.NaN);
      if (Number.isNaN(date.getTime())) throw invalidFilter(parameter, 'expected an ISO-8601 date');
      return date;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw invalidFilter(parameter, 'expected true or false');
      return raw === 'true';
    case 'number': {
      const number = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(number)) throw invalidFilter(parameter, 'expected a number');
      return number;
    }
    default:
      return raw;
  }
}

/**
 * Values a `scalar` field (any JSON value, as attribute values) may hold for one query text: `3` matches "3" and 3;
 * a JSON object or array text also matches that value, compared deeply (`{"city":"Paris"}`).
 */
function scalarCandidates(raw: string): unknown[] {
  const candidates: unknown[] = [raw];
  if (raw.trim() !== '' && Number.isFinite(Number(raw))) candidates.push(Number(raw));
  if (raw === 'true' || raw === 'false') candidates.push(raw === 'true');
  const structured = parsedJsonStructure(raw);
  if (structured !== undefined) candidates.push(structured);
  return candidates;
}

/** The object or array a query text spells in JSON, if it does; `$` keys stay text (never an operator). */
function parsedJsonStructure(raw: string): unknown {
  if (!/^\s*[[{]/.test(raw)) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return attributeValueProblem(parsed) === null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function parseConditionValue(spec: FieldSpec, op: Operator, raw: string, parameter: string): unknown {
  if (op === 'exists') {
    if (raw !== 'true' && raw !== 'false') throw invalidFilter(parameter, 'exists takes true or false');
    return raw === 'true';
  }
  if (op === 'like') {
    if (raw === '') throw invalidFilter(parameter, 'like needs a non-empty value');
    if (raw.length > MAX_VALUE_LENGTH) throw invalidFilter(parameter, `values are at most ${MAX_VALUE_LENGTH} characters`);
    if (!['string', 'scalar', 'any'].includes(spec.type)) throw invalidFilter(parameter, 'like applies to text fields');
    return raw;
  }
  if (op === 'in') {
    const parts = raw.split(',');
    if (parts.length > 100) throw invalidFilter(parameter, 'in takes at most 100 values');
    return parts.flatMap((part) =>
      spec.type === 'scalar' || spec.type === 'any' ? scalarCandidates(part) : [parseScalar(part, spec.type, parameter)],
    );
  }
  if ((spec.type === 'scalar' || spec.type === 'any') && (op === 'eq' || op === 'ne')) return scalarCandidates(raw);
  if (spec.type === 'scalar' || spec.type === 'any') {
    return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  if (spec.type === 'boolean' && op !== 'eq' && op !== 'ne') throw invalidFilter(parameter, `${op} does not apply to true/false fields`);
  return parseScalar(raw, spec.type, parameter);
}

function parseCondition(spec: ListSpec, parameter: string, raw: string): Condition {
  const body = parameter.slice('search.'.length);
  const dot = body.lastIndexOf('.');
  const field = dot > 0 ? body.slice(0, dot) : '';
  const op = body.slice(dot + 1) as Operator;
  if (!field || !(OPERATORS as readonly string[]).includes(op))
    throw invalidFilter(parameter, `expected search.<field>.<${OPERATORS.join('|')}>`);
  const fieldSpec = fieldSpecOf(spec, field);
  if (!fieldSpec) throw invalidFilter(parameter, `unknown field ${field}`);
  return { field, spec: fieldSpec, op, value: parseConditionValue(fieldSpec, op, raw, parameter) };
}

function parseSortKey(spec: ListSpec, term: string, parameter: 'sort' | 'stack'): SortKey {
  const direction = term.startsWith('-') ? -1 : 1;
  const field = term.replace(/^[-+]/, '');
  const fieldSpec = Object.hasOwn(spec.fields, field) ? spec.fields[field] : null;
  const allowed = parameter === 'sort' ? fieldSpec?.sortable : fieldSpec?.stackable;
  if (!fieldSpec || !allowed || !fieldSpec.path) {
    throw apiError(parameter === 'sort' ? 'query.invalid_sort' : 'query.invalid_stack', { field: term }, [
      detail(`query.${parameter}`, parameter === 'sort' ? 'query.invalid_sort' : 'query.invalid_stack', { field: term }),
    ]);
  }
  return { field, path: fieldSpec.path, direction };
}

export function parseListQuery(spec: ListSpec, query: Record<string, unknown>): ListQuery {
  const parsed: ListQuery = {
    limit: DEFAULT_LIMIT,
    offset: 0,
    after: null,
    before: null,
    conditions: [],
    search: null,
    sort: spec.defaultSort.map(({ field, direction }) => ({ field, path: spec.fields[field].path!, direction })),
    stack: null,
    include: [],
    extra: {},
  };
  let offsetGiven = false;
  for (const [parameter, rawValue] of Object.entries(query)) {
    if (typeof rawValue !== 'string') throw apiError('query.invalid_parameter', { parameter, reason: 'give it once, as text' });
    const raw = rawValue;
    if (parameter === 'limit') parsed.limit = Math.min(parseInteger(raw, 'query.invalid_limit', 1), MAX_LIMIT);
    else if (parameter === 'offset') {
      parsed.offset = parseInteger(raw, 'query.invalid_offset', 0);
      offsetGiven = true;
    } else if (parameter === 'after' || parameter === 'before') {
      if (raw === '' || raw.length > 4096) throw apiError('query.invalid_cursor');
      parsed[parameter] = raw;
    } else if (parameter === 'search') {
      if (!spec.searchPaths?.length) throw invalidFilter(parameter, 'this list has no text search');
      if (raw.length > MAX_VALUE_LENGTH) throw invalidFilter(parameter, `at most ${MAX_VALUE_LENGTH} characters`);
      parsed.search = raw === '' ? null : raw;
    } else if (parameter.startsWith('search.')) parsed.conditions.push(parseCondition(spec, parameter, raw));
    else if (parameter === 'sort') {
      const terms = raw
        .split(',')
        .map((term) => term.trim())
        .filter(Boolean);
      if (terms.length === 0 || terms.length > 5) throw apiError('query.invalid_sort', { field: raw });
      parsed.sort = terms.map((term) => parseSortKey(spec, term, 'sort'));
      parsed.isSortGiven = true;
    } else if (parameter === 'stack') parsed.stack = parseSortKey(spec, raw, 'stack');
    else if (parameter === 'include') {
      const values = raw
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean);
      const allowed = spec.includes ?? [];
      const unknown = values.find((value) => !allowed.includes(value));
      if (unknown !== undefined) throw apiError('query.invalid_include', { value: unknown, allowed: allowed.join(', ') || 'none' });
      parsed.include = [...new Set(values)];
    } else if (spec.shorthands?.includes(parameter)) parsed.conditions.push(parseCondition(spec, `search.${parameter}.eq`, raw));
    else if (spec.extraParameters?.includes(parameter)) parsed.extra[parameter] = raw;
    else
      throw apiError('query.invalid_parameter', { parameter, reason: 'unknown parameter' }, [
        detail(`query.${parameter}`, 'query.invalid_parameter', { parameter, reason: 'unknown parameter' }),
      ]);
  }
  if ([offsetGiven && parsed.offset > 0, parsed.after !== null, parsed.before !== null].filter(Boolean).length > 1) {
    throw apiError('query.conflicting_paging');
  }
  if (new Set(parsed.sort.map((key) => key.path)).size !== parsed.sort.length)
    throw apiError('query.invalid_sort', { field: 'a field twice' });
  return parsed;
}
