// Index definitions persisted in LMDB, so every process sharing the data directory maintains the same indexes.
// Each process caches the definitions and re-reads them when the catalogue's version number changed; writers
// check the version inside their write transaction, so a write never misses an index another process created.
import type { Database, Transaction } from 'lmdb';
import type { IndexDefinition } from './index-entries.ts';

const VERSION_KEY = 'version';
const NEXT_ID_KEY = 'nextIndexId';
const INDEX_KEY_PREFIX = 'index:';

export class Catalogue {
  private cachedVersion = -1;
  private byCollection = new Map<string, IndexDefinition[]>();

  constructor(private readonly db: Database<any, string>) {}

  /** The index definitions of a collection as of the given read transaction (or the current write transaction). */
  definitions(collection: string, transaction?: Transaction): IndexDefinition[] {
    const options = transaction ? { transaction } : undefined;
    const version = (this.db.get(VERSION_KEY, options) as number | undefined) ?? 0;
    if (version !== this.cachedVersion) this.reload(version, options);
    return this.byCollection.get(collection) ?? [];
  }

  private reload(version: number, options?: { transaction: Transaction }): void {
    const byCollection = new Map<string, IndexDefinition[]>();
    for (const { value } of this.db.getRange({ start: INDEX_KEY_PREFIX, end: 'index;', ...options })) {
      const definition = value as IndexDefinition;
      const list = byCollection.get(definition.collection) ?? [];
      list.push(definition);
      byCollection.set(definition.collection, list);
    }
    for (const list of byCollection.values()) list.sort((a, b) => a.id - b.id);
    this.byCollection = byCollection;
    this.cachedVersion = version;
  }

  /** Must run inside a write transaction: allocates an id, stores the definition and bumps the version. */
  add(definition: Omit<IndexDefinition, 'id'>): IndexDefinition {
    const id = (this.db.get(NEXT_ID_KEY) as number | undefined) ?? 1;
    const stored: IndexDefinition = { ...definition, id };
    this.db.putSync(NEXT_ID_KEY, id + 1);
    this.db.putSync(`${INDEX_KEY_PREFIX}${definition.collection}:${definition.name}`, stored);
    this.db.putSync(VERSION_KEY, ((this.db.get(VERSION_KEY) as number | undefined) ?? 0) + 1);
    return stored;
  }

  /** Must run inside a write transaction: forgets a definition (its entries are the caller's to delete). */
  remove(definition: IndexDefinition): void {
    this.db.removeSync(`${INDEX_KEY_PREFIX}${definition.collection}:${definition.name}`);
    this.db.putSync(VERSION_KEY, ((this.db.get(VERSION_KEY) as number | undefined) ?? 0) + 1);
  }
}
