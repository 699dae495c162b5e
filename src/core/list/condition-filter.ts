// Turns parsed list conditions into MongoDB filter clauses on their storage paths. Only the operators of the spec
// are produced, and values were typed by the parser, so no user text ever becomes an operator.
import type { Filter } from '../../store/port.ts';
import type { Condition } from './list-query.ts';

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Case-insensitive substring. */
export function likeClause(term: string): Filter {
  return { $regex: escapeRegex(term), $options: 'i' };
}

/** The clause for one condition on `path` (the condition's own path unless given). */
export function conditionClause(condition: Condition, path = condition.spec.path!): Filter {
  const { op, value } = condition;
  const candidates = Array.isArray(value) ? value : [value];
  switch (op) {
    case 'eq':
      return { [path]: Array.isArray(value) ? { $in: candidates } : value };
    case 'ne':
      return { [path]: Array.isArray(value) ? { $nin: candidates } : { $ne: value } };
    case 'in':
      return { [path]: { $in: candidates } };
    case 'like':
      return { [path]: likeClause(String(value)) };
    case 'exists':
      return value ? { [path]: { $exists: true, $ne: null } } : { $or: [{ [path]: { $exists: false } }, { [path]: null }] };
    default:
      return { [path]: { [`$${op}`]: value } };
  }
}

/** `$and` of the non-empty filters (a single one is returned as it is). */
export function allOf(...filters: Array<Filter | null | undefined>): Filter {
  const parts = filters.filter((filter): filter is Filter => !!filter && Object.keys(filter).length > 0);
  if (parts.length === 0) return {};
  if (parts.length === 1) return parts[0];
  return { $and: parts };
}

export function conditionsFilter(conditions: Condition[]): Filter {
  return allOf(...conditions.filter((condition) => condition.spec.path).map((condition) => conditionClause(condition)));
}

/** Equality for one value (the store's fastest path), `$in` for several. */
export function oneOrAny<T>(values: T[]): T | { $in: T[] } {
  return values.length === 1 ? values[0] : { $in: values };
}
