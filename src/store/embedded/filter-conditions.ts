// The index-usable conditions of a MongoDB filter: per field, equality values (`v`, `$eq`, `$in`) or a range
// (`$gt $gte $lt $lte`), taken from the top level and from `$and`. Everything else is left to mingo, which tests
// the full filter on every candidate, so a condition ignored here only costs speed, never correctness.
import type { Filter } from '../port.ts';
import { isObjectId } from '../../domain/is-object-id.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

export interface Bound {
  value: unknown;
  inclusive: boolean;
}

export interface FieldCondition {
  /** Equality values (one for `v`/`$eq`, several for `$in`). */
  values?: unknown[];
  lower?: Bound;
  upper?: Bound;
}

/** Values an index entry can equal: scalars and plain sub-documents; not arrays or regexes (their match rules differ). */
function isEqualityValue(value: unknown): boolean {
  if (value === null) return true;
  if (value === undefined || Array.isArray(value) || value instanceof RegExp) return false;
  if (isPlainObject(value)) return Object.keys(value).every((key) => !key.startsWith('$'));
  return true;
}

const isRangeValue = (value: unknown): boolean =>
  typeof value === 'number' || typeof value === 'string' || value instanceof Date || isObjectId(value);

export function extractConditions(filter: Filter): Map<string, FieldCondition> {
  const conditions = new Map<string, FieldCondition>();
  collectConditions(filter, conditions);
  return conditions;
}

function collectConditions(filter: Filter, conditions: Map<string, FieldCondition>): void {
  for (const [path, expression] of Object.entries(filter)) {
    if (path === '$and' && Array.isArray(expression)) {
      for (const clause of expression) if (isPlainObject(clause)) collectConditions(clause, conditions);
      continue;
    }
    if (path.startsWith('$')) continue;
    const condition = conditionOf(expression);
    if (condition && !conditions.has(path)) conditions.set(path, condition);
  }
}

function conditionOf(expression: unknown): FieldCondition | null {
  const isOperatorObject = isPlainObject(expression) && Object.keys(expression).some((key) => key.startsWith('$'));
  if (!isOperatorObject) return isEqualityValue(expression) ? { values: [expression] } : null;
  const operators = expression as Record<string, unknown>;
  if ('$eq' in operators && isEqualityValue(operators.$eq)) return { values: [operators.$eq] };
  if (Array.isArray(operators.$in) && operators.$in.every(isEqualityValue)) return { values: operators.$in };
  const condition: FieldCondition = {};
  if (isRangeValue(operators.$gte)) condition.lower = { value: operators.$gte, inclusive: true };
  else if (isRangeValue(operators.$gt)) condition.lower = { value: operators.$gt, inclusive: false };
  if (isRangeValue(operators.$lte)) condition.upper = { value: operators.$lte, inclusive: true };
  else if (isRangeValue(operators.$lt)) condition.upper = { value: operators.$lt, inclusive: false };
  return condition.lower || condition.upper ? condition : null;
}
