// createIndex: validates the request against existing definitions (idempotent for the same keys and options, an
// error like MongoDB's for a conflicting one), then builds the entries of every existing document inside the
// same write transaction as the catalogue change, so no concurrent write can slip between build and registration.
import type { IndexKeys, IndexOptions } from '../port.ts';
import type { Catalogue } from './catalogue.ts';
import { decodeDocument } from './codec.ts';
import { DuplicateKeyError, StoreWriteError } from './errors.ts';
import { defaultIndexName, indexEntryKeys, indexKeyValue, indexPrefix, type IndexDefinition } from './index-entries.ts';
import { prefixEnd } from './index-keys.ts';
import type { LmdbEnvironment } from './lmdb-environment.ts';
import { PRIMARY_INDEX_NAME } from './query-planner.ts';

const sameKeys = (a: IndexKeys, b: IndexKeys): boolean => JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));

/** Must run inside a write transaction. Returns the index name. */
export function createIndexInTransaction(input: {
  environment: LmdbEnvironment;
  catalogue: Catalogue;
  collection: string;
  namespace: string;
  collectionPrefix: Buffer;
  keys: IndexKeys;
  options: IndexOptions;
}): string {
  const { environment, catalogue, collection, keys, options } = input;
  const name = options.name ?? defaultIndexName(keys);
  if (sameKeys(keys, { _id: 1 })) return PRIMARY_INDEX_NAME;
  const wanted = { unique: options.unique === true, sparse: options.sparse === true };
  for (const existing of catalogue.definitions(collection)) {
    if (sameKeys(existing.key, keys)) {
      if (existing.name === name && existing.unique === wanted.unique && existing.sparse === wanted.sparse) return name;
      throw new StoreWriteError(85, `Index already exists with a different name or options: ${existing.name}`);
    }
    if (existing.name === name) throw new StoreWriteError(86, `An existing index has the same name as the requested index: ${name}`);
  }
  const definition = catalogue.add({ collection, name, key: { ...keys }, ...wanted });
  buildEntries(environment, definition, input.namespace, input.collectionPrefix);
  return name;
}

function buildEntries(environment: LmdbEnvironment, definition: IndexDefinition, namespace: string, collectionPrefix: Buffer): void {
  for (const { key, value } of environment.documents.getRange({ start: collectionPrefix, end: prefixEnd(collectionPrefix) })) {
    const idBytes = Buffer.from(key.subarray(collectionPrefix.length));
    const document = decodeDocument(value);
    for (const entry of indexEntryKeys(document, definition, idBytes)) {
      const owner = definition.unique ? environment.indexes.get(entry) : undefined;
      if (owner && !owner.equals(idBytes))
        throw new DuplicateKeyError(namespace, definition.name, { ...definition.key }, indexKeyValue(document, definition));
      environment.indexes.putSync(entry, idBytes);
    }
  }
}

/** Must run inside a write transaction. Like MongoDB's dropIndex: code 27 (IndexNotFound) for an unknown name. */
export function dropIndexInTransaction(input: {
  environment: LmdbEnvironment;
  catalogue: Catalogue;
  collection: string;
  name: string;
}): void {
  const definition = input.catalogue.definitions(input.collection).find((existing) => existing.name === input.name);
  if (!definition) throw new StoreWriteError(27, `index not found with name [${input.name}]`);
  const prefix = indexPrefix(definition.id);
  const entries = [...input.environment.indexes.getKeys({ start: prefix, end: prefixEnd(prefix) })];
  for (const entry of entries) input.environment.indexes.removeSync(entry);
  input.catalogue.remove(definition);
}
