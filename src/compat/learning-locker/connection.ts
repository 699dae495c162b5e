// Keyset pagination of the `/api/connection/...` routes (compat spec 4), with LL's response shapes but without its
// defects (section 8: 22-24, 28): `_id` is appended to every sort as the tie-breaker, a backward page holds the N
// items immediately before the cursor (in forward order), hasNextPage/hasPreviousPage are checked, not guessed,
// `last` is a page size for every connection, and an empty page has no cursors (no "e30=").
// The cursor condition keeps the organisation at the top level of the filter so the store can walk an index.
import type { Collection, Document, Filter, IndexKeys, Projection, Sort } from '../../store/port.ts';
import { applyProjection } from './connection-params.ts';
import { decodeCursor, encodeCursor, type CursorFormat } from './cursor-codec.ts';
import { keysetCondition, splitKeysetCondition } from '../../core/list/keyset-condition.ts';

export interface ConnectionRequest {
  /** Already scoped to the caller's organisation (scopeFilter). */
  filter: Filter;
  sort: Sort;
  projection?: Projection;
  hint?: string | IndexKeys;
  first?: number;
  last?: number;
  after?: string;
  before?: string;
}

export interface Edge {
  cursor: string;
  node: Document;
}

export interface Connection {
  edges: Edge[];
  pageInfo: Record<string, unknown>;
}

export const DEFAULT_PAGE_SIZE = 10;

/** `_id` last makes every sort total, so no row is skipped or repeated at a page boundary. */
export function withTieBreaker(sort: Sort): Sort {
  return '_id' in sort ? { ...sort } : { ...sort, _id: 1 };
}

function reverseSort(sort: Sort): Sort {
  const reversed: Sort = {};
  for (const [key, direction] of Object.entries(sort)) reversed[key] = direction === 1 ? -1 : 1;
  return reversed;
}

function andFilter(filter: Filter, condition: Filter | null): Filter {
  if (!condition) return filter;
  return { ...filter, $and: [...(Array.isArray(filter.$and) ? filter.$and : []), condition] };
}

export async function paginateConnection(collection: Collection, request: ConnectionRequest, format: CursorFormat): Promise<Connection> {
  const sort = withTieBreaker(request.sort);
  const size = request.first || request.last || DEFAULT_PAGE_SIZE;
  // LL: the direction is backwards whenever `before` is given; the cursor is `after || before`.
  const isBackwards = Boolean(request.before);
  const cursorText = request.after || request.before;
  const cursorParameter = request.after ? 'after' : 'before';
  const decoded = cursorText ? decodeCursor(cursorText, sort, cursorParameter) : null;
  const position = decoded && !decoded.isEmpty ? decoded.values : null;

  // The cursor condition in two parts (keyset-condition.ts): the same-type range an index serves, then, only when
  // the page is not full yet, the rows whose sort value has a type that sorts beyond (rare: LL names may be null).
  const parts = position ? splitKeysetCondition(sort, position, isBackwards ? 'before' : 'after') : null;
  const read = (condition: Filter | null, limit: number) =>
    collection.find(andFilter(request.filter, condition), {
      sort: isBackwards ? reverseSort(sort) : sort,
      limit,
      ...(request.hint ? { hint: request.hint } : {}),
    });
  let documents = await read(parts ? parts.first : null, size + 1);
  if (parts?.rest && documents.length < size + 1) documents = documents.concat(await read(parts.rest, size + 1 - documents.length));
  const hasMore = documents.length > size;
  const page = documents.slice(0, size);
  if (isBackwards) page.reverse();

  const hasBeyond = async (document: Document | undefined, direction: 'before' | 'after'): Promise<boolean> => {
    // An empty page after (before) a cursor means nothing lies beyond it, so anything that matches lies behind.
    const behind = document ? keysetCondition(sort, positionOf(document, sort), direction) : null;
    return (await collection.findOne(andFilter(request.filter, behind), { projection: { _id: 1 } })) !== null;
  };
  let hasNextPage: boolean;
  let hasPreviousPage: boolean;
  if (isBackwards) {
    hasPreviousPage = hasMore;
    hasNextPage = position ? await hasBeyond(page[page.length - 1], 'after') : false;
  } else {
    hasNextPage = hasMore;
    hasPreviousPage = position ? await hasBeyond(page[0], 'before') : false;
  }

  const edges = page.map((document) => ({
    cursor: encodeCursor(document, sort, format),
    node: applyProjection(format === 'generic' ? withVersionKey(document) : document, request.projection),
  }));
  return { edges, pageInfo: pageInfoOf(edges, hasNextPage, hasPreviousPage, format) };
}

/**
 * LL's generic connection and ERM routes serve mongoose documents, which carry mongoose's version key `__v` (0 until
 * an array field changes); documents our services wrote have none, so it is shown as 0 (before any projection).
 */
export function withVersionKey<T extends Record<string, unknown>>(document: T): T & { __v: unknown } {
  return '__v' in document ? (document as T & { __v: unknown }) : { ...document, __v: 0 };
}

function positionOf(document: Document, sort: Sort): Map<string, unknown> {
  const position = new Map<string, unknown>();
  for (const key of Object.keys(sort)) {
    let value: any = document;
    for (const part of key.split('.')) value = value === null || typeof value !== 'object' ? undefined : value[part];
    position.set(key, value === undefined ? null : value);
  }
  return position;
}

/**
 * Key order as LL emits it (PS: endCursor first; generic: the flags first). An empty page has no cursors in either
 * format: LL's generic connection gave "e30=" (base64 of `{}`), which a client passing it back as `after` got the
 * first page again with (compat spec 8.28); "e30=" is still accepted on input as no position.
 */
function pageInfoOf(edges: Edge[], hasNextPage: boolean, hasPreviousPage: boolean, format: CursorFormat): Record<string, unknown> {
  const startCursor = edges[0]?.cursor;
  const endCursor = edges[edges.length - 1]?.cursor;
  if (format === 'ps') {
    return { ...(endCursor ? { endCursor } : {}), hasNextPage, hasPreviousPage, ...(startCursor ? { startCursor } : {}) };
  }
  return { hasNextPage, hasPreviousPage, ...(startCursor ? { startCursor } : {}), ...(endCursor ? { endCursor } : {}) };
}
