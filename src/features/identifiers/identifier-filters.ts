// The filter of GET /v1/identifiers from its parsed query: plain conditions on their paths, `ifi.value` on the
// string value or an account's name.
import type { ObjectId } from 'bson';
import type { Filter } from '../../store/port.ts';
import { allOf, conditionClause } from '../../core/list/condition-filter.ts';
import { listDigest } from '../../core/list/list-digest.ts';
import type { ListQuery } from '../../core/list/list-query.ts';

export function identifierListFilter(organisation: ObjectId, query: ListQuery): { filter: Filter; digest: string } {
  const clauses = query.conditions.map((condition) => {
    if (condition.field !== 'ifi.value') return conditionClause(condition);
    if (condition.op === 'ne')
      return {
        $nor: [conditionClause({ ...condition, op: 'eq' }, 'ifi.value'), conditionClause({ ...condition, op: 'eq' }, 'ifi.value.name')],
      };
    return { $or: [conditionClause(condition, 'ifi.value'), conditionClause(condition, 'ifi.value.name')] };
  });
  return { filter: allOf(...clauses), digest: listDigest('identifiers', organisation, query) };
}
