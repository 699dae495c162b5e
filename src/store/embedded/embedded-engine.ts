// What every collection of one data directory shares: the LMDB environment, the index catalogue, key prefixes,
// and the per-transaction context a write needs (the collection's current index definitions and its writer).
import type { Transaction } from 'lmdb';
import type { Document } from '../port.ts';
import { Catalogue } from './catalogue.ts';
import { ChangeLog, type ChangeLogLimits } from './change-log.ts';
import { decodeDocument } from './codec.ts';
import { DocumentWriter } from './document-writer.ts';
import type { IndexDefinition } from './index-entries.ts';
import { encodeValue, prefixEnd } from './index-keys.ts';
import type { LmdbEnvironment } from './lmdb-environment.ts';
import type { WalkSource } from './plan-walker.ts';
import type { CollectionContext } from './write-operations.ts';

export class EmbeddedEngine {
  readonly environment: LmdbEnvironment;
  readonly catalogue: Catalogue;
  readonly changeLog: ChangeLog;
  private readonly prefixes = new Map<string, Buffer>();

  constructor(
    environment: LmdbEnvironment,
    private readonly databaseName: string,
    changeLogLimits?: ChangeLogLimits,
  ) {
    this.environment = environment;
    this.catalogue = new Catalogue(this.environment.catalogue);
    this.changeLog = new ChangeLog(this.environment.changes, this.environment.catalogue, changeLogLimits);
  }

  namespace(collection: string): string {
    return `${this.databaseName}.${collection}`;
  }

  collectionPrefix(collection: string): Buffer {
    let prefix = this.prefixes.get(collection);
    if (!prefix) {
      prefix = encodeValue(collection);
      this.prefixes.set(collection, prefix);
    }
    return prefix;
  }

  source(collection: string, transaction?: Transaction): WalkSource {
    return { environment: this.environment, collectionPrefix: this.collectionPrefix(collection), transaction };
  }

  indexesOf(collection: string, transaction?: Transaction): IndexDefinition[] {
    return this.catalogue.definitions(collection, transaction);
  }

  /** Only inside write(): the index definitions are read in the write transaction, so none can be missed. */
  context(collection: string): CollectionContext {
    const indexes = this.indexesOf(collection);
    const source = this.source(collection);
    return {
      name: collection,
      source,
      indexes,
      writer: new DocumentWriter(
        this.environment,
        this.namespace(collection),
        source.collectionPrefix,
        indexes,
        this.changeLog,
        collection,
      ),
    };
  }

  /** Every document of a collection (for `$lookup`), read in the caller's snapshot. */
  allDocuments(collection: string, transaction: Transaction): Document[] {
    const prefix = this.collectionPrefix(collection);
    const documents: Document[] = [];
    for (const { value } of this.environment.documents.getRange({ start: prefix, end: prefixEnd(prefix), transaction }))
      documents.push(decodeDocument(value));
    return documents;
  }

  /**
   * Runs `action` in one write transaction and resolves once it is on disk (an acknowledged write is durable), or at
   * once with `deferFlush` (the caller awaits the store's flush() later).
   */
  async write<T>(action: () => T, { deferFlush = false }: { deferFlush?: boolean } = {}): Promise<T> {
    const result = this.environment.write(() => this.changeLog.inTransaction(action));
    if (!deferFlush) await this.environment.durable();
    return result;
  }

  read<T>(action: (transaction: Transaction) => T): T {
    return this.environment.read(action);
  }
}
