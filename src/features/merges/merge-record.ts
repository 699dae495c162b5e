// The merge record (collection personaMerges): written first as an intent, then filled with what moved as each
// idempotent step runs, then marked applied. It is the journal that recovery replays and undo reverses, and the
// merge history the API lists. Erasure scrubs the identifying parts (see erasure/).
import type { ObjectId } from 'bson';
import { COLLECTIONS, type AttributeDoc, type LinkDoc } from '../../domain/model.ts';
import type { Collection, Store } from '../../store/port.ts';

/**
 * intent: recorded, not yet checked against concurrent merges (recovery abandons it: nothing was written);
 * pending: checked, being applied (recovery completes it); applied; refused (a concurrent merge won);
 * undoing: undo being applied (recovery completes it); undone; abandoned.
 */
export type MergeState = 'intent' | 'pending' | 'applied' | 'refused' | 'undoing' | 'undone' | 'abandoned';

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

export interface MergeRecordDoc {
  _id: ObjectId;
  organisation: ObjectId;
  target: ObjectId;
  sources: ObjectId[];
  /** API client id (hex), `cli`, `import` or `auto-merge`. */
  actor: string;
  state: MergeState;
  moved: MergeMoves;
  createdAt: Date;
  updatedAt: Date;
  appliedAt?: Date;
  undoneAt?: Date;
  undoneBy?: string;
  /** Why a merge was refused or abandoned. */
  reason?: string;
  /** Set by erasure: the identifying parts of this record were removed. */
  erasedAt?: Date;
}

export const emptyMoves = (): MergeMoves => ({
  identifiers: [], attributes: [], links: [], claims: [], tombstones: [], attributeConflicts: [], linkConflicts: [],
});

export const mergesOf = (store: Store): Collection<MergeRecordDoc> => store.collection<MergeRecordDoc>(COLLECTIONS.merges);

const hex = (id: ObjectId): string => id.toHexString();

/** The API shape of a merge record. */
export function toMergeView(record: MergeRecordDoc) {
  const ids = (entries: MovedEntry[]) => entries.map((entry) => ({ id: hex(entry._id), source: hex(entry.source) }));
  return {
    id: hex(record._id),
    target: hex(record.target),
    sources: record.sources.map(hex),
    actor: record.actor,
    state: record.state,
    createdAt: record.createdAt.toISOString(),
    appliedAt: record.appliedAt?.toISOString() ?? null,
    undoneAt: record.undoneAt?.toISOString() ?? null,
    undoneBy: record.undoneBy ?? null,
    reason: record.reason ?? null,
    erased: Boolean(record.erasedAt),
    moved: {
      identifiers: ids(record.moved.identifiers),
      attributes: ids(record.moved.attributes),
      links: ids(record.moved.links),
      emailClaims: ids(record.moved.claims),
      tombstones: ids(record.moved.tombstones),
      attributeConflicts: record.moved.attributeConflicts.map((conflict) => ({
        source: hex(conflict.source), key: conflict.key, sourceValue: conflict.sourceValue, targetValue: conflict.targetValue,
      })),
      linkConflicts: record.moved.linkConflicts.map((conflict) => ({
        source: hex(conflict.source), id: hex(conflict.link._id), recTypeName: conflict.link.recTypeName, recId: conflict.link.recId,
      })),
    },
  };
}

export type MergeView = ReturnType<typeof toMergeView>;
