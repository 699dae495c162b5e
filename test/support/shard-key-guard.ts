// A test-only store decorator for sharding by organisation (docs/scaling.md): every filter, upsert and inserted
// document on a collection that can be sharded must carry `organisation`, or a sharded cluster would broadcast it
// (reads), refuse it (upserts and findOneAndUpdate without the shard key on 6.0), or not know where a document lives.
// The end-to-end suites run their store through it (http-support.ts, compat-app.ts): a violation throws at the call
// that made it, naming the collection, method and filter, so the request fails and the suite with it.
import type { BulkOperation, Collection, Document, Filter, Store } from '../../src/store/port.ts';

/** Collections docs/scaling.md shards on an organisation-prefixed key (the others stay unsharded). */
export const SHARDED_COLLECTIONS = new Set([
  'personas',
  'personaIdentifiers',
  'personaAttributes',
  'personaLinks',
  'personaEmailClaims',
  'personaMatchKeys',
  'personaMergeMoves',
  'personaDuplicatePairs',
  'personaDuplicateDismissals',
  'personaNames',
  'personaSearchTokens',
]);

export class ShardKeyMissingError extends Error {
  override name = 'ShardKeyMissingError';
}

/** True when every document the filter can match has an `organisation` equality or set: top level, $and, or every $or branch. */
export function carriesOrganisation(filter: Filter | undefined): boolean {
  if (!filter) return false;
  if (filter.organisation !== undefined) return true;
  if (Array.isArray(filter.$and) && filter.$and.some((branch: Filter) => carriesOrganisation(branch))) return true;
  return Array.isArray(filter.$or) && filter.$or.length > 0 && filter.$or.every((branch: Filter) => carriesOrganisation(branch));
}

function check(collection: string, method: string, filter: Filter | undefined, violations: string[]): void {
  if (carriesOrganisation(filter)) return;
  const violation = `${collection}.${method} without organisation: ${JSON.stringify(filter)}`;
  violations.push(violation);
  throw new ShardKeyMissingError(violation);
}

function checkOperation(collection: string, operation: BulkOperation, violations: string[]): void {
  if ('insertOne' in operation) return check(collection, 'bulkWrite.insertOne', operation.insertOne.document, violations);
  const [kind, body] = Object.entries(operation)[0] as [string, { filter: Filter }];
  check(collection, `bulkWrite.${kind}`, body.filter, violations);
}

const FILTERED = new Set([
  'find',
  'iterate',
  'findOne',
  'countDocuments',
  'updateOne',
  'updateMany',
  'replaceOne',
  'findOneAndUpdate',
  'findOneAndDelete',
  'deleteOne',
  'deleteMany',
]);

function guardCollection<T extends Document>(inner: Collection<T>, violations: string[]): Collection<T> {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = String(property);
      return (...args: any[]) => {
        // The one deliberate scatter: start-up's "is this collection empty?" probe (index-check.ts), once per process.
        const isEmptinessProbe = method === 'findOne' && Object.keys(args[0] ?? {}).length === 0;
        if (FILTERED.has(method) && !isEmptinessProbe) check(target.name, method, args[0], violations);
        else if (method === 'insertOne') check(target.name, method, args[0], violations);
        else if (method === 'insertMany') for (const document of args[0]) check(target.name, method, document, violations);
        else if (method === 'bulkWrite') for (const operation of args[0]) checkOperation(target.name, operation, violations);
        else if (method === 'aggregate') check(target.name, method, args[0]?.[0]?.$match, violations);
        return value.apply(target, args);
      };
    },
  });
}

/**
 * The store, with every call on a sharded collection checked; `violations` lists what was refused. A plain object
 * delegating to the store (not a Proxy), so a test may still wrap its `collection` as it would the store's.
 */
export function guardShardKeys(store: Store): Store & { violations: string[]; unguarded: Store } {
  const violations: string[] = [];
  return {
    kind: store.kind,
    violations,
    unguarded: store,
    collection<T extends Document>(name: string) {
      const collection = store.collection<T>(name);
      return SHARDED_COLLECTIONS.has(name) ? guardCollection(collection, violations) : collection;
    },
    ...(store.applyAtomically ? { applyAtomically: store.applyAtomically.bind(store) } : {}),
    changeToken: () => store.changeToken(),
    changesSince: (...args) => store.changesSince(...args),
    flush: () => store.flush(),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

/** For a test's own whole-collection reads (snapshots across organisations): the store without the guard. */
export const unguarded = (store: Store): Store => (store as Partial<ReturnType<typeof guardShardKeys>>).unguarded ?? store;
