// What a merge moved, journaled in chunk documents of collection personaMergeMoves (keyed by merge id), not in the
// merge record: a merge of a persona with 200,000 identifiers lists every one of them, which one document could
// not hold (MongoDB's limit is 16 MB). Each chunk holds up to MOVES_PER_CHUNK entries of one kind, and less when
// its entries are large (attribute and link conflicts carry the whole document), so every document stays small.
// Chunks are only ever inserted while a merge is applied; undo reads them, erasure deletes them.
import { calculateObjectSize, ObjectId } from 'bson';
import type { AttributeDoc, LinkDoc } from '../../domain/model.ts';
import type { Collection, Store } from '../../store/port.ts';

export const MERGE_MOVES_COLLECTION = 'personaMergeMoves';

/** Entries per chunk document, and the size a chunk's entries may add up to before a new chunk starts. */
export const MOVES_PER_CHUNK = 1000;
const CHUNK_BYTES = 4 * 1024 * 1024;

export interface MovedEntry {
  _id: ObjectId;
  source: ObjectId;
}

export interface AttributeConflict {
  source: ObjectId;
  key: string;
  sourceValue: AttributeDoc['value'];
  targetValue: AttributeDoc['value'];
  /** The source's attribute as it was (deleted from the source; undo re-inserts it). */
  attribute: AttributeDoc;
}

export interface LinkConflict {
  source: ObjectId;
  link: LinkDoc;
}

export interface MergeMoves {
  identifiers: MovedEntry[];
  attributes: MovedEntry[];
  links: MovedEntry[];
  claims: MovedEntry[];
  /** Older tombstones that pointed at a source and now point at the target (chains stay one hop). */
  tombstones: MovedEntry[];
  attributeConflicts: AttributeConflict[];
  linkConflicts: LinkConflict[];
}

export type MoveKind = keyof MergeMoves;

interface MoveChunkDoc {
  _id: ObjectId;
  organisation: ObjectId;
  merge: ObjectId;
  kind: MoveKind;
  entries: unknown[];
}

export const emptyMoves = (): MergeMoves => ({
  identifiers: [],
  attributes: [],
  links: [],
  claims: [],
  tombstones: [],
  attributeConflicts: [],
  linkConflicts: [],
});

const chunksOf = (store: Store): Collection<MoveChunkDoc> => store.collection<MoveChunkDoc>(MERGE_MOVES_COLLECTION);

/** Appends entries to a merge's journal, in as many chunks as they need. */
export async function recordMoves(
  store: Store,
  merge: { _id: ObjectId; organisation: ObjectId },
  kind: MoveKind,
  entries: unknown[],
): Promise<void> {
  const chunks: MoveChunkDoc[] = [];
  let current: MoveChunkDoc | null = null;
  let bytes = 0;
  for (const entry of entries) {
    const size = calculateObjectSize({ entry });
    if (!current || current.entries.length >= MOVES_PER_CHUNK || (bytes + size > CHUNK_BYTES && current.entries.length > 0)) {
      current = { _id: new ObjectId(), organisation: merge.organisation, merge: merge._id, kind, entries: [] };
      chunks.push(current);
      bytes = 0;
    }
    current.entries.push(entry);
    bytes += size;
  }
  if (chunks.length > 0) await chunksOf(store).insertMany(chunks);
}

/**
 * Everything these merges moved, per merge id (hex), in the order it was recorded. Records written before the
 * journal moved out of them still carry a `moved` field of their own: it comes first.
 */
export async function readMoves(
  store: Store,
  organisation: ObjectId,
  merges: Array<{ _id: ObjectId; moved?: MergeMoves }>,
  kinds?: MoveKind[],
): Promise<Map<string, MergeMoves>> {
  const result = new Map(merges.map((merge) => [merge._id.toHexString(), { ...emptyMoves(), ...(merge.moved ?? {}) }]));
  if (merges.length === 0) return result;
  const chunks = await chunksOf(store).find({
    organisation,
    merge: { $in: merges.map((merge) => merge._id) },
    ...(kinds ? { kind: { $in: kinds } } : {}),
  });
  // Chunk ids grow in the order they were recorded (one process applies a merge at a time).
  chunks.sort((a, b) => a._id.toHexString().localeCompare(b._id.toHexString()));
  for (const chunk of chunks) (result.get(chunk.merge.toHexString())![chunk.kind] as unknown[]).push(...chunk.entries);
  return result;
}

export async function readMovesOf(
  store: Store,
  merge: { _id: ObjectId; organisation: ObjectId; moved?: MergeMoves },
  kinds?: MoveKind[],
): Promise<MergeMoves> {
  return (await readMoves(store, merge.organisation, [merge], kinds)).get(merge._id.toHexString())!;
}

/** Erasure: the journal of these merges goes (what moved identifies the erased persona). */
export async function deleteMoves(store: Store, organisation: ObjectId, mergeIds: ObjectId[]): Promise<void> {
  if (mergeIds.length > 0) await chunksOf(store).deleteMany({ organisation, merge: { $in: mergeIds } });
}
