// Checks that the index entries of a data directory agree with its documents, and repairs them when asked. An index
// is derived data: every document must have exactly the entries indexEntryKeys() gives it, pointing to its `_id`,
// and no other entry may exist. The one thing that cannot be repaired from the documents alone is two documents
// claiming one key of a unique index (which of them is right is a decision, not a rebuild): that is only reported.
// A repair runs in one write transaction, so a concurrent writer never sees half of it.
import type { Transaction } from 'lmdb';
import { decodeDocument } from './codec.ts';
import type { EmbeddedEngine } from './embedded-engine.ts';
import { indexEntryKeys, indexPrefix, type IndexDefinition } from './index-entries.ts';
import { prefixEnd } from './index-keys.ts';

export type IndexProblemKind = 'index.entry_missing' | 'index.entry_stale' | 'index.unique_conflict';

export interface IndexProblem {
  kind: IndexProblemKind;
  collection: string;
  index: string;
  /** Hex of the document's encoded `_id` (the document an entry names, or should name). */
  documentKey: string;
  repaired: boolean;
}

interface EntryFix {
  problem: IndexProblem;
  key: Buffer;
  /** The `_id` bytes to put; absent: remove the entry. */
  value?: Buffer;
}

/** Every index definition of every collection, from the catalogue as of `transaction`. */
function allDefinitions(engine: EmbeddedEngine, transaction?: Transaction): IndexDefinition[] {
  const options = transaction ? { transaction } : {};
  return [...engine.environment.catalogue.getRange({ start: 'index:', end: 'index;', ...options })].map(
    ({ value }) => value as IndexDefinition,
  );
}

function findEntryFixes(engine: EmbeddedEngine, definition: IndexDefinition, transaction?: Transaction): EntryFix[] {
  const { documents, indexes } = engine.environment;
  const options = transaction ? { transaction } : {};
  const collectionPrefix = engine.collectionPrefix(definition.collection);
  const problemOf = (kind: IndexProblemKind, idBytes: Buffer): IndexProblem => ({
    kind,
    collection: definition.collection,
    index: definition.name,
    documentKey: idBytes.toString('hex'),
    repaired: false,
  });
  // Entry key (latin1) → the `_id`s of the documents that should have it (more than one: a unique conflict).
  const expected = new Map<string, Buffer[]>();
  for (const { key, value } of documents.getRange({ start: collectionPrefix, end: prefixEnd(collectionPrefix), ...options })) {
    const idBytes = Buffer.from(key.subarray(collectionPrefix.length));
    for (const entryKey of indexEntryKeys(decodeDocument(value), definition, idBytes)) {
      const slot = entryKey.toString('latin1');
      expected.set(slot, [...(expected.get(slot) ?? []), idBytes]);
    }
  }
  const fixes: EntryFix[] = [];
  for (const [slot, owners] of expected) {
    const key = Buffer.from(slot, 'latin1');
    if (owners.length > 1) {
      for (const idBytes of owners) fixes.push({ problem: problemOf('index.unique_conflict', idBytes), key });
      continue;
    }
    if (!indexes.get(key, options)?.equals(owners[0]))
      fixes.push({ problem: problemOf('index.entry_missing', owners[0]), key, value: owners[0] });
  }
  const prefix = indexPrefix(definition.id);
  for (const { key, value } of indexes.getRange({ start: prefix, end: prefixEnd(prefix), ...options })) {
    if (!expected.has(Buffer.from(key).toString('latin1')))
      fixes.push({ problem: problemOf('index.entry_stale', Buffer.from(value)), key: Buffer.from(key) });
  }
  return fixes;
}

/** Reports every disagreement between documents and index entries; with `repair`, fixes all but unique conflicts. */
export async function auditIndexEntries(engine: EmbeddedEngine, { repair = false } = {}): Promise<IndexProblem[]> {
  if (!repair) {
    return engine.read((transaction) =>
      allDefinitions(engine, transaction).flatMap((definition) =>
        findEntryFixes(engine, definition, transaction).map((fix) => fix.problem),
      ),
    );
  }
  return engine.write(() =>
    allDefinitions(engine).flatMap((definition) =>
      findEntryFixes(engine, definition).map((fix) => {
        if (fix.problem.kind === 'index.unique_conflict') return fix.problem;
        if (fix.value) engine.environment.indexes.putSync(fix.key, fix.value);
        else engine.environment.indexes.removeSync(fix.key);
        return { ...fix.problem, repaired: true };
      }),
    ),
  );
}
