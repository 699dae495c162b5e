// What start-up does about indexes: check, build only where a collection is empty, report the rest. Building on a
// collection that holds data is `persona migrate`'s job (it can take hours on a large Learning Locker database, and
// a start-up that waits for it fails every health check meanwhile).
import { INDEXES, type IndexDefinition } from './indexes.ts';
import type { Collection, IndexKeys, Store } from './port.ts';

/** An index the service needs that a collection holding data lacks (or holds with other options). */
export interface IndexGap {
  collection: string;
  keys: IndexKeys;
  isUnique: boolean;
  reason: 'missing' | 'options differ';
}

const sameKeys = (a: IndexKeys, b: IndexKeys) => JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));

/**
 * Start-up's index step: never builds on a collection that holds data (a build on a large Learning Locker collection
 * blocks for hours; `persona migrate` does it), only checks. An empty collection (a new store) gets its indexes,
 * so `npm start` on a fresh machine needs no migrate. Returns what is missing where data exists.
 */
export async function ensureIndexesOnEmptyCollections(
  collection: Collection,
  definitions: Array<Omit<IndexDefinition, 'collection'>>,
): Promise<IndexGap[]> {
  const gaps: IndexGap[] = [];
  let existing = await collection.listIndexes();
  for (const { keys, options } of definitions) {
    const found = existing.find((index) => sameKeys(index.key, keys));
    const isUnique = options?.unique === true;
    if (found && (found.unique ?? false) === isUnique && (found.sparse ?? false) === (options?.sparse === true)) continue;
    if (!found && (await collection.findOne({}, { projection: { _id: 1 } })) === null) {
      await collection.createIndex(keys, options);
      existing = await collection.listIndexes();
      continue;
    }
    gaps.push({ collection: collection.name, keys, isUnique, reason: found ? 'options differ' : 'missing' });
  }
  return gaps;
}

/** Every definition (core and extra) grouped by collection, checked as ensureIndexesOnEmptyCollections does. */
export async function checkIndexes(store: Store, extra: IndexDefinition[] = []): Promise<IndexGap[]> {
  const byCollection = new Map<string, IndexDefinition[]>();
  for (const definition of [...INDEXES, ...extra])
    byCollection.set(definition.collection, [...(byCollection.get(definition.collection) ?? []), definition]);
  const gaps: IndexGap[] = [];
  for (const [name, definitions] of byCollection)
    gaps.push(...(await ensureIndexesOnEmptyCollections(store.collection(name), definitions)));
  return gaps;
}

export const describeIndexGap = (gap: IndexGap) =>
  `${gap.collection} ${JSON.stringify(gap.keys)}${gap.isUnique ? ' unique' : ''}: ${gap.reason}`;

/**
 * A missing unique index is refused: resolution and attribute upserts rely on it to be race-free, so running without
 * it would create duplicates. Other gaps only make some queries slow: reported, and the service starts.
 */
export function assertNoUniqueIndexGaps(gaps: IndexGap[]): void {
  const unique = gaps.filter((gap) => gap.isUnique);
  if (unique.length === 0) return;
  throw new IndexesMissingError(
    `unique indexes missing on collections that hold data (run \`persona migrate\`, with --from-learning-locker on a Learning Locker database, then start again):\n  ${unique.map(describeIndexGap).join('\n  ')}`,
  );
}

export class IndexesMissingError extends Error {
  override name = 'IndexesMissingError';
}
