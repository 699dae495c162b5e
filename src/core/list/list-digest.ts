// The digest a cursor is bound to: organisation, conditions, search, sort and stack (not limit, so a client may change
// the page size while paging).
import type { ObjectId } from 'bson';
import { queryDigest } from './cursor.ts';
import type { ListQuery } from './list-query.ts';

export function listDigest(resource: string, organisation: ObjectId, query: ListQuery): string {
  return queryDigest({
    r: resource,
    o: organisation.toHexString(),
    c: query.conditions.map((condition) => [condition.field, condition.op, condition.value]),
    q: query.search,
    s: query.sort.map((key) => [key.path, key.direction]),
    k: query.stack?.path ?? null,
  });
}
