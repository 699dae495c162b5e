// The store-wide identity epoch: a counter (`serviceSettings` document `identityEpoch`) that every write able to
// change which live persona an existing identifier resolves to bumps AFTER the write is done: an identifier moved,
// replaced or deleted, a persona deleted, replaced, or given or cleared a `mergedInto` (merge, undo, erasure, split).
// A process may then cache identifier → persona answers tagged with the epoch it read BEFORE reading them, and trust
// them while the epoch is unchanged (resolver/identity-cache.ts): a change finished before the epoch was read is
// always seen. The bump is done here, in the store every process opens (open-store.ts), so no feature can forget it.
// Creating identifiers (insert, or the resolver's $setOnInsert upserts) changes no existing answer and bumps nothing.
import { COLLECTIONS } from '../domain/model.ts';
import type { AtomicOperation, BulkOperation, Collection, Document, Store, Update } from './port.ts';
import { SETTINGS_COLLECTION } from './service-settings.ts';

export const IDENTITY_EPOCH_ID = 'identityEpoch';

/** The current epoch (0 before the first bump). One read by _id. */
export async function readIdentityEpoch(store: Store): Promise<number> {
  const setting = await store.collection<{ _id: string; value: number }>(SETTINGS_COLLECTION).findOne({ _id: IDENTITY_EPOCH_ID });
  return setting?.value ?? 0;
}

export async function bumpIdentityEpoch(store: Store): Promise<void> {
  await store
    .collection<{ _id: string; value: number }>(SETTINGS_COLLECTION)
    .updateOne({ _id: IDENTITY_EPOCH_ID }, { $inc: { value: 1 } }, { upsert: true });
}

const WATCHED = new Set<string>([COLLECTIONS.identifiers, COLLECTIONS.personas]);
const ALWAYS = new Set(['replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete', 'findOneAndReplace']);
const UPDATES = new Set(['updateOne', 'updateMany', 'findOneAndUpdate']);
const WRITES = new Set([...ALWAYS, ...UPDATES, 'bulkWrite']);

/** Only $setOnInsert: an upsert that creates or leaves alone, never changes what is there. */
const isCreateOnly = (update: Update): boolean =>
  !Array.isArray(update) && Object.keys(update).every((operator) => operator === '$setOnInsert');

function updateChangesIdentity(collection: string, update: Update): boolean {
  if (isCreateOnly(update)) return false;
  // A persona's other fields (name, profile, attributes of the API) never change what an identifier resolves to.
  return collection === COLLECTIONS.identifiers || JSON.stringify(update).includes('"mergedInto');
}

function bulkChangesIdentity(collection: string, operations: BulkOperation[]): boolean {
  return operations.some((operation) => {
    if ('insertOne' in operation) return false;
    if ('updateOne' in operation) return updateChangesIdentity(collection, operation.updateOne.update);
    if ('updateMany' in operation) return updateChangesIdentity(collection, operation.updateMany.update);
    return true;
  });
}

function callChangesIdentity(collection: string, method: string, args: unknown[]): boolean {
  if (ALWAYS.has(method)) return true;
  if (UPDATES.has(method)) return updateChangesIdentity(collection, args[1] as Update);
  if (method === 'bulkWrite') return bulkChangesIdentity(collection, args[0] as BulkOperation[]);
  return false;
}

/** `store` with the identity epoch bumped after every write that can change an identifier's persona. */
export function withIdentityEpoch(store: Store): Store {
  const watched = <T extends Document>(name: string, inner: Collection<T>): Collection<T> =>
    new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (!WRITES.has(String(property))) return value.bind(target);
        return async (...args: unknown[]) => {
          const result = await value.apply(target, args);
          if (callChangesIdentity(name, String(property), args)) await bumpIdentityEpoch(store);
          return result;
        };
      },
    });
  // One wrapper per watched collection, made on first use: the resolver asks for its collections on every batch.
  const wrapped = new Map<string, Collection<any>>();
  const collection = <T extends Document>(name: string): Collection<T> => {
    if (!WATCHED.has(name)) return store.collection<T>(name);
    let found = wrapped.get(name);
    if (!found) wrapped.set(name, (found = watched(name, store.collection<T>(name))));
    return found as Collection<T>;
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'collection') return collection;
      if (property === 'applyAtomically' && target.applyAtomically) {
        return async (operations: AtomicOperation[]) => {
          const result = await target.applyAtomically!(operations);
          if (operations.some((operation) => WATCHED.has(operation.collection) && bulkChangesIdentity(operation.collection, [operation]))) {
            await bumpIdentityEpoch(store);
          }
          return result;
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
