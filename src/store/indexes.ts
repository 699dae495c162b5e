// Every index of every collection, created idempotently by `persona migrate` and at service start. Organisation
// comes first in almost every key because every query is scoped by it; list sorts end in `_id` so keyset cursors
// walk an index at the same cost at any depth.
import { COLLECTIONS } from '../domain/model.ts';
import type { Collection, IndexKeys, IndexOptions, Store } from './port.ts';

export interface IndexDefinition {
  collection: string;
  keys: IndexKeys;
  options?: IndexOptions;
}

export const INDEXES: IndexDefinition[] = [
  { collection: COLLECTIONS.organisations, keys: { slug: 1 }, options: { unique: true, sparse: true } },
  { collection: COLLECTIONS.clients, keys: { key: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.clients, keys: { organisation: 1, createdAt: 1, _id: 1 } },
  // Learning Locker's own index name and keys (compat spec 1.1).
  { collection: COLLECTIONS.personas, keys: { organisation: 1 } },
  { collection: COLLECTIONS.personas, keys: { organisation: 1, createdAt: 1, _id: 1 } },
  { collection: COLLECTIONS.personas, keys: { organisation: 1, updatedAt: 1, _id: 1 } },
  { collection: COLLECTIONS.personas, keys: { organisation: 1, name: 1, _id: 1 } },
  { collection: COLLECTIONS.personas, keys: { organisation: 1, mergedInto: 1 } },
  // The arbiter of race-free resolution: one identifier per canonical key per organisation.
  { collection: COLLECTIONS.identifiers, keys: { organisation: 1, canonicalKey: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.identifiers, keys: { organisation: 1, persona: 1 } },
  { collection: COLLECTIONS.identifiers, keys: { organisation: 1, 'ifi.key': 1, 'ifi.value': 1 } },
  { collection: COLLECTIONS.identifiers, keys: { organisation: 1, 'ifi.value.homePage': 1, 'ifi.value.name': 1 } },
  // One value per (persona, key): MongoDB serialises concurrent upserts of a key only under a unique index.
  { collection: COLLECTIONS.attributes, keys: { organisation: 1, personaId: 1, key: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.attributes, keys: { organisation: 1, key: 1, value: 1 } },
  { collection: COLLECTIONS.links, keys: { organisation: 1, persona: 1, recTypeName: 1, recId: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.links, keys: { organisation: 1, recTypeName: 1, recId: 1 } },
  { collection: COLLECTIONS.emailClaims, keys: { organisation: 1, sha1: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.emailClaims, keys: { organisation: 1, persona: 1 } },
  // The name history (features/names): one document per persona and name, the upsert key of the resolver's batch
  // path, unique so concurrent resolvers add to one document. No lastSeen index: every sighting would rewrite it.
  { collection: COLLECTIONS.names, keys: { organisation: 1, persona: 1, name: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.merges, keys: { organisation: 1, createdAt: -1, _id: -1 } },
  { collection: COLLECTIONS.merges, keys: { organisation: 1, target: 1 } },
  { collection: COLLECTIONS.merges, keys: { organisation: 1, sources: 1 } },
  { collection: COLLECTIONS.merges, keys: { state: 1 } },
  // Identity management (issue 6): duplicate key index and its incremental refresh, dismissals, import errors.
  // One document per persona (_id = persona): who else holds a key is a multikey lookup.
  { collection: 'personaMatchKeys', keys: { organisation: 1, keys: 1 } },
  { collection: 'personaMatchKeys', keys: { organisation: 1, persona: 1 } },
  { collection: 'personaDuplicatePairs', keys: { organisation: 1, pair: 1 }, options: { unique: true } },
  { collection: 'personaDuplicatePairs', keys: { organisation: 1, score: -1, pair: 1 } },
  { collection: 'personaDuplicatePairs', keys: { organisation: 1, personas: 1 } },
  { collection: COLLECTIONS.identifiers, keys: { organisation: 1, updatedAt: 1 } },
  { collection: COLLECTIONS.attributes, keys: { organisation: 1, updatedAt: 1 } },
  { collection: COLLECTIONS.merges, keys: { organisation: 1, updatedAt: 1 } },
  // Merges applied or undone whose write-back and event did not run yet (recovery runs them).
  { collection: COLLECTIONS.merges, keys: { effectsPending: 1 }, options: { sparse: true } },
  // What each merge moved, in chunks beside its record (merge-moves.ts).
  { collection: 'personaMergeMoves', keys: { organisation: 1, merge: 1, kind: 1 } },
  { collection: COLLECTIONS.duplicateDismissals, keys: { organisation: 1, pair: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.duplicateDismissals, keys: { organisation: 1, personas: 1 } },
  { collection: 'personaImportErrors', keys: { importId: 1, row: 1 } },
  // Erasure finds the failing rows that name an erased persona's identifiers (import-error-traces.ts).
  { collection: 'personaImportErrors', keys: { organisation: 1, traces: 1 } },
  { collection: COLLECTIONS.imports, keys: { organisation: 1, createdAt: -1 } },
];

/**
 * Creates every index that does not exist yet (`persona migrate`; can take hours on a large Learning Locker
 * collection). Extra definitions (from features) can be passed in; `onIndex` hears each build start and end.
 */
export async function ensureIndexes(store: Store, extra: IndexDefinition[] = [], onIndex?: IndexProgress): Promise<string[]> {
  const names: string[] = [];
  for (const definition of [...INDEXES, ...extra])
    names.push(await buildIndex(store.collection(definition.collection), definition, onIndex));
  return names;
}

/** Hears each index build start (ms 0) and end (ms = its duration), named `<collection>.<keys or name>`. */
export type IndexProgress = (event: { index: string; phase: 'start' | 'done'; ms: number }) => void;

/** Creates one index (idempotent), telling `onIndex`; returns `<collection>.<index name>`. */
export async function buildIndex(
  collection: Collection,
  { keys, options }: Omit<IndexDefinition, 'collection'>,
  onIndex?: IndexProgress,
): Promise<string> {
  const label = `${collection.name}.${options?.name ?? JSON.stringify(keys)}`;
  const started = Date.now();
  onIndex?.({ index: label, phase: 'start', ms: 0 });
  const name = await collection.createIndex(keys, options);
  onIndex?.({ index: label, phase: 'done', ms: Date.now() - started });
  return `${collection.name}.${name}`;
}
