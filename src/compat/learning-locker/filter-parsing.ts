// User-supplied MongoDB filters of the Learning Locker surface (compat spec 3.1 `parseQuery`, 3.6 ERM `query`):
// JSON text → `{"$oid"}`/`{"$dte"}` conversions → a recursive allow-list of query operators (so `$where`,
// `$function`, `$accumulator`, `$expr` and anything else that could run JavaScript or escape the scope is refused
// with a 400 naming the path) → the caller's organisation forced at the top level, where no filter can override it.
// LL's `$personaIdent` is checked here where parseQuery applies and expanded after parsing (persona-ident.ts), since
// its expansion reads the caller's attributes.
import { ObjectId } from 'bson';
import type { Filter } from '../../store/port.ts';
import { CompatError, badParameter } from '../../core/errors/compat-error.ts';
import { userRegexRefusal } from '../../domain/user-regex.ts';
import { OBJECT_ID_TEXT } from '../../domain/object-id-text.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

const LOGICAL_OPERATORS = new Set(['$and', '$or', '$nor']);
const FIELD_OPERATORS = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$type',
  '$regex',
  '$options',
  '$not',
  '$all',
  '$elemMatch',
  '$size',
  '$mod',
]);
/** Operators that evaluate JavaScript or aggregation expressions: named in the refusal so callers see why. */
const JAVASCRIPT_OPERATORS = new Set(['$where', '$function', '$accumulator', '$expr']);
const MAX_DEPTH = 24;
/** LL's attribute operator (compat spec 3.1): `{"<field>": {"$personaIdent": {"key": "persona.import.<k>", "value": v}}}`. */
export const PERSONA_IDENT = '$personaIdent';

/** What the checks accept beyond the allow-list: `$personaIdent` only where LL's parseQuery runs. */
interface CheckContext {
  personaIdent: boolean;
}
const PLAIN: CheckContext = { personaIdent: false };

/**
 * Parses one JSON-valued query parameter (`filter`, `query`, `sort`, `project`, `hint`). Absent or empty → undefined.
 * A repeated parameter (Express gives an array) or unparsable text is a 400 naming the parameter.
 */
export function parseJsonParameter(name: string, raw: unknown, reviver?: (key: string, value: any) => any): unknown {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw badParameter('query.invalid_json', name, 'must be given once, as JSON text');
  try {
    return JSON.parse(raw, reviver);
  } catch (error) {
    if (error instanceof CompatError) throw error; // a reviver's refusal (an unsafe `~` regex) keeps its own code
    throw badParameter('query.invalid_json', name, `is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * LL's recursive conversions: `{"$oid": hex}` → ObjectId (left as the string when not 24 hex, as LL does),
 * `{"$dte": text}` → Date (an unparsable date is a 400 rather than LL's Invalid Date), and the statement keys
 * `statement.timestamp`/`statement.stored` renamed to `timestamp`/`stored` with string values as Dates.
 */
export function convertExtendedJson(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item, index) => convertExtendedJson(item, `${path}.${index}`));
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$oid') {
    const hex = value.$oid;
    return typeof hex === 'string' && OBJECT_ID_TEXT.test(hex) ? new ObjectId(hex) : hex;
  }
  if (keys.length === 1 && keys[0] === '$dte') {
    const date = typeof value.$dte === 'string' || typeof value.$dte === 'number' ? new Date(value.$dte) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw badParameter('query.invalid_filter', `${path}.$dte`, 'is not a date');
    return date;
  }
  const converted: Record<string, unknown> = {};
  for (const key of keys) {
    const renamed = key === 'statement.timestamp' ? 'timestamp' : key === 'statement.stored' ? 'stored' : key;
    let child = convertExtendedJson(value[key], `${path}.${key}`);
    if (renamed !== key && typeof child === 'string') child = new Date(child);
    converted[renamed] = child;
  }
  return converted;
}

function refuseOperator(operator: string, path: string): CompatError {
  if (JAVASCRIPT_OPERATORS.has(operator)) {
    return badParameter('query.unsafe_operator', `${path}.${operator}`, `operator ${operator} is not allowed (it evaluates code)`);
  }
  return badParameter('query.unsupported_operator', `${path}.${operator}`, `operator ${operator} is not supported`);
}

/** Throws a 400 unless `filter` (a query document) uses only allow-listed operators. */
export function assertSafeFilter(filter: unknown, path: string, context: CheckContext = PLAIN): void {
  if (!isPlainObject(filter)) throw badParameter('query.invalid_filter', path, 'must be a JSON object');
  checkQueryDocument(filter, path, 0, context);
}

function checkDepth(depth: number, path: string): void {
  if (depth > MAX_DEPTH) throw badParameter('query.invalid_filter', path, `nests deeper than ${MAX_DEPTH} levels`);
}

function checkQueryDocument(query: Record<string, any>, path: string, depth: number, context: CheckContext): void {
  checkDepth(depth, path);
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (key.split('.').includes('__proto__'))
      throw badParameter('query.invalid_filter', `${path}.${key}`, 'is not a field name (__proto__)');
    if (key === PERSONA_IDENT && context.personaIdent) {
      throw badParameter(
        'query.invalid_filter',
        `${path}.${key}`,
        'must be the condition of a field, e.g. {"persona": {"$personaIdent": {"key": "persona.import.<key>", "value": ...}}}',
      );
    }
    if (key.startsWith('$')) {
      if (!LOGICAL_OPERATORS.has(key)) throw refuseOperator(key, path);
      if (!Array.isArray(value) || value.length === 0) {
        throw badParameter('query.invalid_filter', `${path}.${key}`, 'must be a non-empty array of filters');
      }
      value.forEach((clause, index) => {
        if (!isPlainObject(clause)) throw badParameter('query.invalid_filter', `${path}.${key}.${index}`, 'must be an object');
        checkQueryDocument(clause, `${path}.${key}.${index}`, depth + 1, context);
      });
    } else {
      checkFieldCondition(value, `${path}.${key}`, depth + 1, context);
    }
  }
}

/** A field's condition: an operator document (`{$gt: 1}`), or a value compared for equality. */
function checkFieldCondition(condition: unknown, path: string, depth: number, context: CheckContext): void {
  checkDepth(depth, path);
  if (condition instanceof RegExp) return checkRegex(condition.source, path, condition.flags);
  if (!isPlainObject(condition)) return checkLiteral(condition, path, depth);
  const keys = Object.keys(condition);
  const operatorKeys = keys.filter((key) => key.startsWith('$'));
  if (operatorKeys.length === 0) return checkLiteral(condition, path, depth);
  if (operatorKeys.length !== keys.length) {
    throw badParameter('query.invalid_filter', path, 'mixes operators and field names');
  }
  if (context.personaIdent && PERSONA_IDENT in condition) return checkPersonaIdent(condition, path, depth);
  for (const operator of operatorKeys) checkOperator(operator, condition[operator], condition, path, depth, context);
}

/**
 * `{"$personaIdent": {"key", "value"}}` becomes `{"$in": [persona ids]}` as a whole, so other operators beside it would
 * be dropped silently (LL did): refused instead. `value` is compared like any field value (safe operators allowed).
 */
function checkPersonaIdent(condition: Record<string, any>, path: string, depth: number): void {
  const at = `${path}.${PERSONA_IDENT}`;
  if (Object.keys(condition).length !== 1) {
    throw badParameter('query.invalid_filter', at, 'must be the only operator of its condition');
  }
  const operand = condition[PERSONA_IDENT];
  if (!isPlainObject(operand)) throw badParameter('query.invalid_filter', at, 'must be an object {"key": ..., "value": ...}');
  const extra = Object.keys(operand).find((key) => key !== 'key' && key !== 'value');
  if (extra !== undefined) throw badParameter('query.invalid_filter', `${at}.${extra}`, 'is not allowed (only key and value)');
  if (typeof operand.key !== 'string' || operand.key === '')
    throw badParameter('query.invalid_filter', `${at}.key`, 'must be a non-empty string');
  if (!('value' in operand)) throw badParameter('query.invalid_filter', `${at}.value`, 'is required');
  checkFieldCondition(operand.value, `${at}.value`, depth + 1, PLAIN);
}

function checkOperator(
  operator: string,
  operand: unknown,
  condition: Record<string, any>,
  path: string,
  depth: number,
  context: CheckContext,
): void {
  const at = `${path}.${operator}`;
  if (!FIELD_OPERATORS.has(operator)) throw refuseOperator(operator, path);
  switch (operator) {
    case '$in':
    case '$nin':
    case '$all':
      if (!Array.isArray(operand)) throw badParameter('query.invalid_filter', at, 'must be an array');
      operand.forEach((item, index) =>
        item instanceof RegExp
          ? checkRegex(item.source, `${at}.${index}`, item.flags)
          : operator === '$all' && isPlainObject(item) && '$elemMatch' in item
            ? checkFieldCondition(item, `${at}.${index}`, depth + 1, context)
            : checkLiteral(item, `${at}.${index}`, depth + 1),
      );
      return;
    case '$not':
      if (!(operand instanceof RegExp) && !(isPlainObject(operand) && Object.keys(operand).every((key) => key.startsWith('$')))) {
        throw badParameter('query.invalid_filter', at, 'must be an operator document or a regular expression');
      }
      return checkFieldCondition(operand, at, depth + 1, context);
    case '$elemMatch':
      if (!isPlainObject(operand)) throw badParameter('query.invalid_filter', at, 'must be an object');
      if (Object.keys(operand).some((key) => key.startsWith('$') && !LOGICAL_OPERATORS.has(key))) {
        return checkFieldCondition(operand, at, depth + 1, context);
      }
      return checkQueryDocument(operand, at, depth + 1, context);
    case '$regex':
      if (operand instanceof RegExp) return checkRegex(operand.source, at, operand.flags);
      if (typeof operand !== 'string') throw badParameter('query.invalid_filter', at, 'must be a string');
      return checkRegex(operand, at, typeof condition.$options === 'string' ? condition.$options : '');
    case '$options':
      if (typeof operand !== 'string' || !/^[ims]*$/.test(operand) || !('$regex' in condition)) {
        throw badParameter('query.invalid_filter', at, 'must be regex options (i, m, s) next to $regex');
      }
      return;
    case '$size':
      if (typeof operand !== 'number' || !Number.isInteger(operand) || operand < 0) {
        throw badParameter('query.invalid_filter', at, 'must be a non-negative integer');
      }
      return;
    case '$mod':
      if (!Array.isArray(operand) || operand.length !== 2 || !operand.every((n) => typeof n === 'number') || operand[0] === 0) {
        throw badParameter('query.invalid_filter', at, 'must be [divisor, remainder] with a non-zero divisor');
      }
      return;
    case '$type': {
      const types = Array.isArray(operand) ? operand : [operand];
      if (types.length === 0 || !types.every((t) => typeof t === 'string' || typeof t === 'number')) {
        throw badParameter('query.invalid_filter', at, 'must be a BSON type name or number');
      }
      return;
    }
    default:
      return checkLiteral(operand, at, depth + 1);
  }
}

/** A value compared as data: it may be a sub-document or array, but nothing in it may be an operator. */
function checkLiteral(value: unknown, path: string, depth: number): void {
  checkDepth(depth, path);
  if (Array.isArray(value)) return value.forEach((item, index) => checkLiteral(item, `${path}.${index}`, depth + 1));
  if (value instanceof RegExp) return checkRegex(value.source, path, value.flags);
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (key.startsWith('$') || key === '__proto__') {
      throw badParameter('query.invalid_filter', `${path}.${key}`, `${key} is not allowed inside a value`);
    }
    checkLiteral(value[key], `${path}.${key}`, depth + 1);
  }
}

/** 400 `query.invalid_filter` for a malformed pattern, `query.unsafe_regex` for one that could backtrack catastrophically or match differently per store. */
function checkRegex(source: string, path: string, flags = ''): void {
  const refusal = userRegexRefusal(source, flags);
  if (refusal) throw badParameter(refusal.kind === 'invalid' ? 'query.invalid_filter' : 'query.unsafe_regex', path, refusal.reason);
}

export interface ParseFilterOptions {
  /** Name of the query parameter, used in error paths. */
  parameter: string;
  /** ERM's shorthands inside string values (`~re`, `>x`, `>=x`, `<x`, `<=x`, `!=x`, arrays as `$in`). */
  ermShorthands?: boolean;
  /** Apply `$oid`/`$dte` conversions (LL's parseQuery); the v2 list routes of LL do not. */
  extendedJson?: boolean;
  /**
   * Accept LL's `$personaIdent` field conditions (parseQuery: connection filters, count queries, ERM queries). The
   * caller must then expand them with expandPersonaIdents before the filter reaches the store.
   */
  personaIdent?: boolean;
}

/** JSON text of a filter → a safe filter document (not yet scoped; see scopeFilter). Absent → `{}`. */
export function parseFilter(raw: unknown, options: ParseFilterOptions): Filter {
  const parsed = parseJsonParameter(options.parameter, raw, options.ermShorthands ? ermShorthandReviver(options.parameter) : undefined);
  if (parsed === undefined || parsed === null) return {};
  if (!isPlainObject(parsed)) throw badParameter('query.invalid_filter', options.parameter, 'must be a JSON object');
  const converted = options.extendedJson === false ? parsed : convertExtendedJson(parsed, options.parameter);
  assertSafeFilter(converted, options.parameter, { personaIdent: options.personaIdent === true });
  return converted as Filter;
}

/**
 * ERM 3.2.1's JSON reviver: string values starting with `~` become case-insensitive regexes, `>`/`>=`/`<`/`<=`/`!=`
 * become comparison operators on the rest of the string, and an array under a field name becomes `$in`.
 */
export function ermShorthandReviver(parameter: string): (key: string, value: any) => any {
  return (key, value) => {
    if (typeof value === 'string') {
      if (value.startsWith('~')) {
        checkRegex(value.slice(1), `${parameter}.${key}`, 'i');
        return new RegExp(value.slice(1), 'i');
      }
      if (value.startsWith('>=')) return { $gte: value.slice(2) };
      if (value.startsWith('>')) return { $gt: value.slice(1) };
      if (value.startsWith('<=')) return { $lte: value.slice(2) };
      if (value.startsWith('<')) return { $lt: value.slice(1) };
      if (value.startsWith('!=')) return { $ne: value.slice(2) };
      return value;
    }
    if (Array.isArray(value) && key !== '' && !key.startsWith('$') && !/^\d+$/.test(key)) return { $in: value };
    return value;
  };
}

/**
 * Adds the caller's organisation at the top level, replacing any `organisation` key of the filter (LL does the
 * same). Because the clause is ANDed with everything else, no `$or`/`$nor` inside the filter can widen it.
 */
export function scopeFilter(filter: Filter, organisation: ObjectId): Filter {
  const { organisation: _ignored, ...rest } = filter;
  return { organisation, ...rest };
}
