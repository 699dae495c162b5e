// countDocuments without decoding documents: when a filter is nothing but the conditions a secondary index's key
// ranges encode (equality on a prefix of its fields, then at most one range; e.g. `{ organisation, 'ifi.key' }` or
// `{ organisation, createdAt: { $gte, $lt } }`), every entry in those ranges is a match, so counting the distinct
// documents of the entries is the answer. Anything the keys might encode loosely falls back to the decoding walk:
// null (matches missing fields), sub-documents and arrays (order and element rules), strings in ranges (a long
// string's key ends in a digest, not in order), and any operator besides `$eq $in $gt $gte $lt $lte`.
import { isObjectId } from '../../domain/is-object-id.ts';
import { isPlainObject } from '../../domain/plain-object.ts';
import type { Filter } from '../port.ts';
import type { Plan } from './query-planner.ts';

/** Values whose index key is equal exactly when MongoDB's equality holds. */
const isExactEqualityValue = (value: unknown): boolean =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  isObjectId(value) ||
  (value instanceof Date && !Number.isNaN(value.getTime()));

/** Values whose key order is MongoDB's order within their type (a range is bracketed to one type). */
const isExactRangeValue = (value: unknown): boolean => isObjectId(value) || (value instanceof Date && !Number.isNaN(value.getTime()));

const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);

/** The expression of one field is exactly what its key range selects. */
function isEncodedExactly(expression: unknown, isRangeField: boolean): boolean {
  if (!isPlainObject(expression)) return !isRangeField && isExactEqualityValue(expression);
  const operators = Object.keys(expression);
  if (operators.length === 0 || !operators.every((operator) => operator.startsWith('$'))) return false;
  if (!isRangeField) {
    if (operators.length !== 1) return false;
    if (operators[0] === '$eq') return isExactEqualityValue(expression.$eq);
    return (
      operators[0] === '$in' && Array.isArray(expression.$in) && expression.$in.length > 0 && expression.$in.every(isExactEqualityValue)
    );
  }
  // One lower and at most one upper bound (the planner uses `$gte` over `$gt` when both are given: refuse that).
  if (!operators.every((operator) => RANGE_OPERATORS.has(operator))) return false;
  if ('$gt' in expression && '$gte' in expression) return false;
  if ('$lt' in expression && '$lte' in expression) return false;
  return operators.every((operator) => isExactRangeValue(expression[operator]));
}

/** True when counting the plan's index entries is counting the filter's matches. */
export function isAnsweredByKeys(plan: Plan, filter: Filter): boolean {
  if (!plan.index || plan.keyFields.length === 0) return false;
  const paths = Object.keys(filter);
  if (paths.length !== plan.keyFields.length || !paths.every((path) => plan.keyFields.includes(path))) return false;
  const last = plan.keyFields[plan.keyFields.length - 1];
  return paths.every((path) => {
    const expression = filter[path];
    // The last key field may hold equality values or the range; the ones before it are equalities.
    const isRange = path === last && isPlainObject(expression) && Object.keys(expression).some((operator) => RANGE_OPERATORS.has(operator));
    return isEncodedExactly(expression, isRange);
  });
}
