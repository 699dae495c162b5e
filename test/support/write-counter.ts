// A test-only store decorator that counts write calls and remembers every collection the app opened, so a fuzz test
// can tell cheaply whether a request wrote anything at all, and read every collection whole when it did.
import type { Collection, Document, Store } from '../../src/store/port.ts';
import { unguarded } from './shard-key-guard.ts';

const WRITES = new Set([
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'deleteOne',
  'deleteMany',
  'bulkWrite',
]);

export interface CountingStore extends Store {
  /** Write calls started so far (including those that failed or changed nothing). */
  readonly writes: number;
  /** Every collection the app asked for, in the order first asked. */
  readonly names: ReadonlySet<string>;
  /** Every document of every collection the app opened, across organisations, as one comparable text. */
  snapshot(): Promise<string>;
}

export function countWrites(store: Store): CountingStore {
  let writes = 0;
  const names = new Set<string>();
  const counted = <T extends Document>(inner: Collection<T>): Collection<T> =>
    new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || !WRITES.has(String(property))) return value;
        return (...args: unknown[]) => {
          writes += 1;
          return value.apply(target, args);
        };
      },
    });
  return {
    kind: store.kind,
    get writes() {
      return writes;
    },
    names,
    // The shard-key guard's raw store, for whole-collection reads by tests.
    unguarded: unguarded(store),
    collection<T extends Document>(name: string) {
      names.add(name);
      return counted(store.collection<T>(name));
    },
    ...(store.applyAtomically
      ? {
          applyAtomically: (operations: Parameters<NonNullable<Store['applyAtomically']>>[0]) => {
            writes += 1;
            return store.applyAtomically!(operations);
          },
        }
      : {}),
    changeToken: () => store.changeToken(),
    changesSince: (...args) => store.changesSince(...args),
    flush: () => store.flush(),
    ping: () => store.ping(),
    close: () => store.close(),
    async snapshot() {
      const raw = unguarded(store);
      const parts = await Promise.all(
        [...names].sort().map(async (name) => [name, await raw.collection(name).find({}, { sort: { _id: 1 } })]),
      );
      return JSON.stringify(parts);
    },
  } as CountingStore;
}
