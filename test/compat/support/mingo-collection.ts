// A find/findOne-only collection over an in-memory array, evaluated by mingo (the embedded engine's matcher), for
// unit tests of the paginator that must not wait for a store. Store-backed tests use the real embedded store.
import { Query } from 'mingo';
import type { Collection, Document, Filter, FindOptions } from '../../../src/store/port.ts';

export function mingoCollection(documents: Document[]): Collection {
  const find = async (filter: Filter = {}, options: FindOptions = {}) => {
    let cursor = new Query(filter).find(documents);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return cursor.all() as Document[];
  };
  return {
    name: 'mingo',
    find,
    async findOne(filter?: Filter, options?: FindOptions) {
      return (await find(filter, { ...options, limit: 1 }))[0] ?? null;
    },
  } as unknown as Collection;
}
