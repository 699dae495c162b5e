// Puts, replaces and removes one document together with all its index entries. Must run inside a write
// transaction: unique keys are checked against the latest committed data (and this transaction's own writes)
// before anything is written, so a failed write leaves nothing behind even when the transaction goes on. Each
// insert and replace also appends to the change log in that transaction (change-log.ts).
import type { Document } from '../port.ts';
import type { ChangeLog } from './change-log.ts';
import { encodeDocument } from './codec.ts';
import { DuplicateKeyError } from './errors.ts';
import { indexEntryKeys, indexKeyValue, type IndexDefinition } from './index-entries.ts';
import { encodeValue } from './index-keys.ts';
import type { LmdbEnvironment } from './lmdb-environment.ts';
import { PRIMARY_INDEX_NAME } from './query-planner.ts';
import { assertStorable } from './storable-document.ts';

export class DocumentWriter {
  constructor(
    private readonly environment: LmdbEnvironment,
    private readonly namespace: string,
    private readonly collectionPrefix: Buffer,
    private readonly indexes: IndexDefinition[],
    private readonly changeLog: ChangeLog,
    private readonly collection: string,
  ) {}

  /**
   * `hasFreshId`: the engine generated this `_id` just now (a new ObjectId: unique by construction) or has just looked
   * it up in this transaction and not found it, so the primary key check is skipped. `provenAbsent`: a unique entry
   * key the caller has just looked up in this transaction and not found.
   */
  insert(document: Document, options: { hasFreshId?: boolean; provenAbsent?: Buffer } = {}): Buffer {
    const idBytes = encodeValue(document._id);
    const documentKey = Buffer.concat([this.collectionPrefix, idBytes]);
    if (!options.hasFreshId && this.environment.documents.doesExist(documentKey)) {
      throw new DuplicateKeyError(this.namespace, PRIMARY_INDEX_NAME, { _id: 1 }, { _id: document._id });
    }
    const entries = this.indexes.map((index) => indexEntryKeys(document, index, idBytes));
    this.checkUnique(document, idBytes, entries, options.provenAbsent);
    const encoded = encodeDocument(document);
    assertStorable(document, encoded.length);
    this.environment.documents.putSync(documentKey, encoded);
    for (const keys of entries) for (const key of keys) this.environment.indexes.putSync(key, idBytes);
    this.changeLog.append(this.collection, document);
    return idBytes;
  }

  /** Replaces a stored document by a new version with the same `_id`. */
  replace(before: Document, after: Document, idBytes: Buffer): void {
    const oldEntries = this.indexes.map((index) => indexEntryKeys(before, index, idBytes));
    const newEntries = this.indexes.map((index) => indexEntryKeys(after, index, idBytes));
    this.checkUnique(after, idBytes, newEntries);
    const encoded = encodeDocument(after);
    assertStorable(after, encoded.length);
    this.environment.documents.putSync(Buffer.concat([this.collectionPrefix, idBytes]), encoded);
    newEntries.forEach((keys, position) => {
      const oldKeys = new Set(oldEntries[position].map((key) => key.toString('latin1')));
      const newKeys = new Set(keys.map((key) => key.toString('latin1')));
      for (const key of oldEntries[position]) if (!newKeys.has(key.toString('latin1'))) this.environment.indexes.removeSync(key);
      for (const key of keys) if (!oldKeys.has(key.toString('latin1'))) this.environment.indexes.putSync(key, idBytes);
    });
    this.changeLog.append(this.collection, after);
  }

  remove(document: Document, idBytes: Buffer): void {
    for (const index of this.indexes) for (const key of indexEntryKeys(document, index, idBytes)) this.environment.indexes.removeSync(key);
    this.environment.documents.removeSync(Buffer.concat([this.collectionPrefix, idBytes]));
  }

  private checkUnique(document: Document, idBytes: Buffer, entries: Buffer[][], provenAbsent?: Buffer): void {
    this.indexes.forEach((index, position) => {
      if (!index.unique) return;
      for (const key of entries[position]) {
        if (provenAbsent && key.equals(provenAbsent)) continue;
        const owner = this.environment.indexes.get(key);
        if (owner && !owner.equals(idBytes)) {
          throw new DuplicateKeyError(this.namespace, index.name, { ...index.key }, indexKeyValue(document, index));
        }
      }
    });
  }
}
