// Indexes on Learning Locker's `statements` collection that write-back needs (created when write-back starts;
// `persona migrate` does not touch a foreign database). Learning Locker has none with `organisation` followed by an
// actor field (compat spec 1.5), which is why its back-fill scanned whole organisations (defect 10).
//   persona_wb_statement_id   stamping the statements of a job by xAPI id
//   persona_bf_<ifi key>      back-fill of one identifier: organisation + actor IFI, then _id so a back-fill walks
//                             the index in _id order and resumes after the last _id it stamped
//   persona_bf_person         re-stamp of one persona's statements (a rename): organisation + person._id, then _id,
//                             so each step reads only the statements after the last one it stamped. LL's
//                             org_person_timestamp ends in timestamp, so paging it by _id re-read every statement of
//                             the persona at every step (quadratic for a learner with 200k statements)
//   org_person_timestamp      Learning Locker's own (merges re-stamp through it), created if absent
import { describeIndexGap, ensureIndexesOnEmptyCollections } from '../../store/index-check.ts';
import { buildIndex, type IndexProgress } from '../../store/indexes.ts';
import type { Collection, IndexKeys, IndexOptions } from '../../store/port.ts';

export interface StatementIndex {
  keys: IndexKeys;
  options: IndexOptions & { name: string };
}

export const BACKFILL_INDEX_KEYS = {
  mbox: { organisation: 1, 'statement.actor.mbox': 1, _id: 1 },
  mbox_sha1sum: { organisation: 1, 'statement.actor.mbox_sha1sum': 1, _id: 1 },
  openid: { organisation: 1, 'statement.actor.openid': 1, _id: 1 },
  account: { organisation: 1, 'statement.actor.account.homePage': 1, 'statement.actor.account.name': 1, _id: 1 },
} satisfies Record<string, IndexKeys>;

export const PERSON_INDEX_KEYS: IndexKeys = { organisation: 1, 'person._id': 1, timestamp: -1 };
export const PERSON_BACKFILL_INDEX_KEYS: IndexKeys = { organisation: 1, 'person._id': 1, _id: 1 };
export const STATEMENT_ID_INDEX_KEYS: IndexKeys = { organisation: 1, 'statement.id': 1 };

export const WRITE_BACK_INDEXES: StatementIndex[] = [
  { keys: STATEMENT_ID_INDEX_KEYS, options: { name: 'persona_wb_statement_id' } },
  ...Object.entries(BACKFILL_INDEX_KEYS).map(([key, keys]) => ({ keys, options: { name: `persona_bf_${key}` } })),
  { keys: PERSON_BACKFILL_INDEX_KEYS, options: { name: 'persona_bf_person' } },
  { keys: PERSON_INDEX_KEYS, options: { name: 'org_person_timestamp' } },
];

/** `persona migrate`: builds every write-back index (hours on a large Learning Locker statements collection). */
export async function ensureWriteBackIndexes(statements: Collection, onIndex?: IndexProgress): Promise<string[]> {
  const names: string[] = [];
  for (const index of WRITE_BACK_INDEXES) names.push(await buildIndex(statements, index, onIndex));
  return names;
}

/** Start-up: builds them only on an empty collection; on one holding statements, warns about the missing ones. */
export async function checkWriteBackIndexes(
  statements: Collection,
  logger: { warn(object: object, message?: string): void },
): Promise<void> {
  const gaps = await ensureIndexesOnEmptyCollections(statements, WRITE_BACK_INDEXES);
  if (gaps.length > 0) {
    logger.warn(
      { missingIndexes: gaps.map(describeIndexGap) },
      'write-back indexes missing on the statements collection: stamping and back-fills scan until `persona migrate` (write-back on) builds them',
    );
  }
}
