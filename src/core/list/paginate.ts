// Runs one list page over a collection: offset pages (skip) or keyset pages after/before a cursor position, whose
// cost does not grow with depth (the position becomes a range condition on the walked index, never a skip). The
// sort always ends in `_id` (unique tie-breaker, same direction as the last key, so one index serves both ways).
import type { Collection, Document, Filter, IndexKeys, Sort } from '../../store/port.ts';
import { keysetCondition } from './keyset-condition.ts';
import { apiError } from '../errors/api-error.ts';
import type { CursorCodec } from './cursor.ts';
import type { ListQuery, SortKey } from './list-query.ts';
import { isObjectId } from '../../domain/is-object-id.ts';

export interface PageInfo {
  limit: number;
  offset: number;
  nextCursor: string | null;
  prevCursor: string | null;
}

export interface Page<T> {
  items: T[];
  page: PageInfo;
}

export interface PageRequest<T extends Document> {
  collection: Collection<T>;
  /** Organisation scope (and tombstone exclusion): top-level equality the planner uses as an index prefix. */
  scope: Filter;
  /** The user's conditions. */
  filter: Filter;
  query: ListQuery;
  codec: CursorCodec;
  /** Everything that makes this query this query (bound into its cursors). */
  digest: string;
  /** Indexes (without `organisation`) that may serve the sort; the matching one is hinted. */
  sortIndexes?: IndexKeys[];
}

export function getPath(document: Document, path: string): unknown {
  let value: unknown = document;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Stack key first (so groups are contiguous), then the requested keys, then `_id`. */
export function effectiveSort(query: Pick<ListQuery, 'sort' | 'stack'>): SortKey[] {
  const stack = query.stack;
  const keys = stack ? [stack, ...query.sort.filter((key) => key.path !== stack.path)] : [...query.sort];
  const last = keys.at(-1)?.direction ?? 1;
  if (!keys.some((key) => key.path === '_id')) keys.push({ field: 'id', path: '_id', direction: last });
  return keys;
}

function toSort(keys: SortKey[], reverse = false): Sort {
  return Object.fromEntries(keys.map((key) => [key.path, (reverse ? -key.direction : key.direction) as 1 | -1]));
}

function hintFor(keys: SortKey[], indexes: IndexKeys[] | undefined): IndexKeys | undefined {
  for (const index of indexes ?? []) {
    const entries = Object.entries(index);
    if (entries.length !== keys.length) continue;
    const same = entries.every(([path, direction], i) => keys[i].path === path && keys[i].direction === direction);
    const reversed = entries.every(([path, direction], i) => keys[i].path === path && keys[i].direction === -direction);
    if (same || reversed) return { organisation: 1, ...index };
  }
  return undefined;
}

/** A range on the first key (Dates and ids only, whose type is fixed) so the index walk starts at the position. */
function leadingBound(key: SortKey, position: Map<string, unknown>, direction: 'after' | 'before'): Filter {
  const value = position.get(key.path);
  const isTyped = value instanceof Date || isObjectId(value);
  if (!isTyped) return {};
  const forwards = (key.direction === 1) === (direction === 'after');
  return { [key.path]: { [forwards ? '$gte' : '$lte']: value } };
}

function positionOf(document: Document, keys: SortKey[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key.path, getPath(document, key.path) ?? null]));
}

export async function findPage<T extends Document>(request: PageRequest<T>): Promise<Page<T>> {
  const { query, codec, digest } = request;
  const keys = effectiveSort(query);
  const hint = hintFor(keys, request.sortIndexes);
  const cursorText = query.after ?? query.before;
  const direction = query.before !== null ? 'before' : 'after';
  const clauses: Filter[] = [];
  if (cursorText !== null) {
    const position = codec.decode(cursorText, digest);
    if (!keys.every((key) => position.has(key.path))) throw apiError('query.invalid_cursor');
    clauses.push(leadingBound(keys[0], position, direction), keysetCondition(toSort(keys), position, direction));
  }
  if (Object.keys(request.filter).length > 0) clauses.push(request.filter);
  const parts = clauses.filter((clause) => Object.keys(clause).length > 0);
  const filter: Filter = parts.length > 0 ? { ...request.scope, $and: parts } : { ...request.scope };
  const isBackwards = query.before !== null;
  const rows = await request.collection.find(filter, {
    sort: toSort(keys, isBackwards),
    skip: cursorText === null ? query.offset : 0,
    limit: query.limit + 1,
    ...(hint ? { hint } : {}),
  });
  const hasExtra = rows.length > query.limit;
  const items = rows.slice(0, query.limit);
  if (isBackwards) items.reverse();
  const encode = (document: T | undefined) => (document ? codec.encode(positionOf(document, keys), digest) : null);
  const hasNext = isBackwards ? items.length > 0 : hasExtra;
  const hasPrevious = isBackwards ? hasExtra : cursorText !== null || query.offset > 0;
  return {
    items,
    page: {
      limit: query.limit,
      offset: cursorText === null ? query.offset : 0,
      nextCursor: hasNext ? encode(items.at(-1)) : null,
      prevCursor: hasPrevious ? encode(items[0]) : null,
    },
  };
}

/** What a list's filter matches in its scope: the list's count routes (the scope stays top-level, as in findPage). */
export function countInScope<T extends Document>(collection: Collection<T>, scope: Filter, filter: Filter): Promise<number> {
  return collection.countDocuments(Object.keys(filter).length > 0 ? { ...scope, $and: [filter] } : { ...scope });
}

export interface StackGroup<R> {
  key: unknown;
  count: number;
  items: R[];
}

/** Groups a page's (sorted) items by the stack field, keeping order. */
export function stackItems<R>(items: Array<{ raw: Document; rendered: R }>, path: string): Array<StackGroup<R>> {
  const groups: Array<StackGroup<R>> = [];
  for (const { raw, rendered } of items) {
    const key = getPath(raw, path) ?? null;
    const last = groups.at(-1);
    const sameKey =
      last &&
      (last.key instanceof Date && key instanceof Date
        ? last.key.getTime() === key.getTime()
        : String(last.key) === String(key) && typeof last.key === typeof key);
    if (last && sameKey) {
      last.items.push(rendered);
      last.count += 1;
    } else groups.push({ key, count: 1, items: [rendered] });
  }
  return groups;
}
