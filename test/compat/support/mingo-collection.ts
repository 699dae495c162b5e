// A read-only collection (find/findOne/countDocuments) over an in-memory array, evaluated by mingo (the embedded
// engine's matcher), for tests of the /api adapters that must not wait for a store. Store-backed tests use the
// real embedded store.
import { Query } from 'mingo';
import type { Collection, Document, Filter, FindOptions, Store } from '../../../src/store/port.ts';

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
    async countDocuments(filter?: Filter) {
      return (await find(filter)).length;
    },
  } as unknown as Collection;
}

/** A read-only store over named in-memory arrays. */
export function mingoStore(collections: Record<string, Document[]>): Store {
  return {
    kind: 'embedded',
    collection: (name: string) => mingoCollection(collections[name] ?? (collections[name] = [])),
    async ping() {},
    async close() {},
  } as unknown as Store;
}
