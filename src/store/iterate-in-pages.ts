// Streams matches as a series of short queries instead of one long-lived cursor. MongoDB closes a cursor left idle
// for 10 minutes (CursorNotFound); a consumer that advances only as fast as an HTTP client reads (error-CSV
// downloads) can leave one idle that long. Here each page is a query read to its end (`field > last`, limit
// pageSize), so nothing stays open on the server between pages, however slowly the stream is consumed.
import type { Collection, Document, Filter, Sort } from './port.ts';

export interface PageIterationOptions {
  /** The order; its last key is the paging field, which must be unique within `filter` and hold one type. */
  sort: Sort;
  pageSize?: number;
}

export async function* iterateInPages<T extends Document>(
  collection: Collection<T>,
  filter: Filter,
  options: PageIterationOptions,
): AsyncIterable<T> {
  const keys = Object.keys(options.sort);
  const field = keys[keys.length - 1];
  const operator = options.sort[field] === 1 ? '$gt' : '$lt';
  const pageSize = options.pageSize ?? 1000;
  let last: unknown;
  for (;;) {
    const bounded = last === undefined ? filter : { $and: [filter, { [field]: { [operator]: last } }] };
    const page = await collection.find(bounded, { sort: options.sort, limit: pageSize });
    yield* page;
    if (page.length < pageSize) return;
    last = page[page.length - 1][field];
  }
}
