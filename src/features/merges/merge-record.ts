// The merge record (collection personaMerges): written first as an intent, then marked applied once its idempotent
// steps ran; what each step moved is journaled beside it in chunks (merge-moves.ts), so the record stays small
// however much moved. Record and journal are what recovery replays and undo reverses, and the merge history the API
// lists. Erasure scrubs the identifying parts (see erasure/).
import { isSameAttributeValue } from '../../domain/attribute-value.ts';
import type { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import type { Collection, Store } from '../../store/port.ts';
import { readMoves, type MergeMoves, type MovedEntry } from './merge-moves.ts';

/**
 * intent: recorded, not yet checked against concurrent merges (recovery abandons it: nothing was written);
 * pending: checked, being applied (recovery completes it); applied; refused (a concurrent merge won);
 * undoing: undo being applied (recovery completes it); undone; abandoned.
 */
export type MergeState = 'intent' | 'pending' | 'applied' | 'refused' | 'undoing' | 'undone' | 'abandoned';

export interface MergeRecordDoc {
  _id: ObjectId;
  organisation: ObjectId;
  target: ObjectId;
  sources: ObjectId[];
  /** API client id (hex), `cli`, `import` or `auto-merge`. */
  actor: string;
  state: MergeState;
  /** Only in records written before the journal moved to merge-moves.ts chunks (still read, never written). */
  moved?: MergeMoves;
  createdAt: Date;
  updatedAt: Date;
  appliedAt?: Date;
  undoneAt?: Date;
  undoneBy?: string;
  /** Why a merge was refused or abandoned. */
  reason?: string;
  /** Set by erasure: the identifying parts of this record were removed. */
  erasedAt?: Date;
  /** Applied or undone, but its write-back and event have not run yet (merge-effects.ts). */
  effectsPending?: boolean;
  /** The process working on it and until when (merge-lease.ts); absent when nobody is. */
  owner?: string;
  leaseUntil?: Date;
}

export const mergesOf = (store: Store): Collection<MergeRecordDoc> => store.collection<MergeRecordDoc>(COLLECTIONS.merges);

const hex = (id: ObjectId): string => id.toHexString();

/** Moved items listed per kind in the merge history (one record, GET /v1/merges/{id}, lists them all). */
export const HISTORY_MOVED_ITEMS = 1000;

/**
 * The API shape of a merge record, with what it moved (readMoves). The history lists at most `listed` moved items
 * per kind (`movedTruncated` says so; movedCounts still counts everything): a merge of 200,000 identifiers would
 * otherwise put megabytes in every page that shows it.
 */
export function toMergeView(record: MergeRecordDoc, moved: MergeMoves, listed = Infinity) {
  const ids = (entries: MovedEntry[]) => entries.slice(0, listed).map((entry) => ({ id: hex(entry._id), source: hex(entry.source) }));
  const lists = [moved.identifiers, moved.attributes, moved.links, moved.claims, moved.tombstones];
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
    movedCounts: {
      identifiers: moved.identifiers.length,
      attributes: moved.attributes.length,
      links: moved.links.length,
      emailClaims: moved.claims.length,
      tombstones: moved.tombstones.length,
    },
    movedTruncated: lists.some((entries) => entries.length > listed),
    moved: {
      identifiers: ids(moved.identifiers),
      attributes: ids(moved.attributes),
      links: ids(moved.links),
      emailClaims: ids(moved.claims),
      tombstones: ids(moved.tombstones),
      // A source value deeply equal to the target's lost nothing: recorded (undo restores it), not a conflict.
      attributeConflicts: moved.attributeConflicts
        .filter((conflict) => !isSameAttributeValue(conflict.sourceValue, conflict.targetValue))
        .map((conflict) => ({
          source: hex(conflict.source),
          key: conflict.key,
          sourceValue: conflict.sourceValue,
          targetValue: conflict.targetValue,
        })),
      linkConflicts: moved.linkConflicts.map((conflict) => ({
        source: hex(conflict.source),
        id: hex(conflict.link._id),
        recTypeName: conflict.link.recTypeName,
        recId: conflict.link.recId,
      })),
    },
  };
}

export type MergeView = ReturnType<typeof toMergeView>;

/** The views of merge records of one organisation, their journals read together (`listed`: see toMergeView). */
export async function mergeViews(store: Store, organisation: ObjectId, records: MergeRecordDoc[], listed?: number): Promise<MergeView[]> {
  const moves = await readMoves(store, organisation, records);
  return records.map((record) => toMergeView(record, moves.get(hex(record._id))!, listed));
}

export async function mergeView(store: Store, record: MergeRecordDoc): Promise<MergeView> {
  return (await mergeViews(store, record.organisation, [record]))[0];
}
