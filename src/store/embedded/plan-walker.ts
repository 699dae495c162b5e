// Walks a plan's key ranges in order (or reverse) and yields each distinct document once, with the position it
// came from so a chunked reader can resume after it in a later read transaction. Reads go through the given
// transaction, or through the current write transaction when none is given.
import type { Transaction } from 'lmdb';
import type { Document } from '../port.ts';
import { decodeDocument } from './codec.ts';
import { KeyWriter } from './index-keys.ts';
import type { LmdbEnvironment } from './lmdb-environment.ts';
import type { KeyRange, Plan } from './query-planner.ts';
import { checkQueryDeadline } from '../query-deadline.ts';

export interface WalkPosition {
  rangeIndex: number;
  /** Last key yielded in that range; the walk resumes strictly after it. */
  key: Buffer;
}

export interface WalkedDocument {
  document: Document;
  /**
   * The document's raw value: decode again for an independent copy (e.g. the "before" of an update). Stable only
   * inside the write transaction (no `transaction` in the source); a read walk decodes from LMDB's reused buffer.
   */
  raw: Buffer;
  idBytes: Buffer;
  position: WalkPosition;
}

export interface WalkSource {
  environment: LmdbEnvironment;
  collectionPrefix: Buffer;
  transaction?: Transaction;
  /** Decodes a walked document; a partial decoder for reads that need only some fields. Default: the whole document. */
  decode?: (bytes: Uint8Array) => Document;
}

export function* walkPlan(source: WalkSource, plan: Plan, resumeAfter?: WalkPosition, seen = new Set<string>()): Generator<WalkedDocument> {
  const order = plan.ranges.map((range, rangeIndex) => ({ range, rangeIndex }));
  if (plan.reverse) order.reverse();
  const transactionOption = source.transaction ? { transaction: source.transaction } : {};
  const decode = source.decode ?? decodeDocument;
  for (const { range, rangeIndex } of order) {
    if (resumeAfter && (plan.reverse ? rangeIndex > resumeAfter.rangeIndex : rangeIndex < resumeAfter.rangeIndex)) continue;
    const after = resumeAfter?.rangeIndex === rangeIndex ? resumeAfter.key : undefined;
    if (range.isExact) {
      if (after) continue;
      const found = fetchExact(source, plan, range, rangeIndex, transactionOption);
      if (found && remember(seen, found.idBytes)) yield found;
      continue;
    }
    const database = plan.index ? source.environment.indexes : source.environment.documents;
    for (const { key, value } of database.getRange({ ...rangeOptions(range, plan.reverse, after), ...transactionOption })) {
      const idBytes = plan.index ? value : key.subarray(source.collectionPrefix.length);
      if (!remember(seen, idBytes)) continue;
      const raw = plan.index ? getDocument(source, value, transactionOption) : value;
      if (!raw) continue; // an index entry always has its document inside one snapshot; defensive only
      yield { document: decode(raw), raw, idBytes: Buffer.from(idBytes), position: { rangeIndex, key: Buffer.from(key) } };
    }
  }
}

/**
 * How many distinct documents a plan's key ranges hold, read from the index entries alone: no document is fetched
 * or decoded. Entries of one document (a multikey index holds one per array element) count once. Only for a
 * secondary-index plan whose ranges say all there is to the filter (index-only-count.ts decides).
 */
export function countPlanDocuments(source: WalkSource, plan: Plan, stopAt = Infinity): number {
  const transactionOption = source.transaction ? { transaction: source.transaction } : {};
  const seen = new Set<string>();
  let walked = 0;
  for (const range of plan.ranges) {
    if (range.isExact) {
      const idBytes = source.environment.indexes.get(range.start, transactionOption);
      if (idBytes) seen.add(Buffer.from(idBytes).toString('latin1'));
    } else {
      for (const { value } of source.environment.indexes.getRange({ ...rangeOptions(range, false, undefined), ...transactionOption })) {
        // The same deadline as a walk that decodes (QUERY_TIMEOUT_MS), checked as often.
        if ((walked++ & 63) === 0) checkQueryDeadline();
        seen.add((value as Buffer).toString('latin1'));
      }
    }
    if (seen.size >= stopAt) return stopAt;
  }
  return seen.size;
}

function fetchExact(
  source: WalkSource,
  plan: Plan,
  range: KeyRange,
  rangeIndex: number,
  transactionOption: { transaction?: Transaction },
): WalkedDocument | null {
  const decode = source.decode ?? decodeDocument;
  const position = { rangeIndex, key: range.start };
  if (!plan.index) {
    const raw = source.transaction
      ? getFast(source.environment.documents, range.start, transactionOption)
      : source.environment.documents.get(range.start);
    return raw ? { document: decode(raw), raw, idBytes: range.start.subarray(source.collectionPrefix.length), position } : null;
  }
  const idBytes = source.environment.indexes.get(range.start, transactionOption);
  if (!idBytes) return null;
  const raw = getDocument(source, idBytes, transactionOption);
  return raw ? { document: decode(raw), raw, idBytes, position } : null;
}

const documentKey = new KeyWriter();

/** A document's bytes by `_id`: a stable copy inside a write transaction, LMDB's reused buffer in a read. */
function getDocument(source: WalkSource, idBytes: Uint8Array, transactionOption: { transaction?: Transaction }): Buffer | undefined {
  documentKey.length = 0;
  documentKey.raw(source.collectionPrefix);
  documentKey.raw(idBytes);
  const key = documentKey.view();
  return source.transaction ? getFast(source.environment.documents, key, transactionOption) : source.environment.documents.get(key);
}

type FastGetter = { getBinaryFast(key: Buffer, options: object): Buffer | undefined };
const getFast = (database: unknown, key: Buffer, options: object): Buffer | undefined =>
  (database as FastGetter).getBinaryFast(key, options);

function rangeOptions(range: KeyRange, reverse: boolean, after: Buffer | undefined): object {
  if (!reverse) return after ? { start: after, exclusiveStart: true, end: range.end } : { start: range.start, end: range.end };
  return { start: after ?? range.end, exclusiveStart: true, end: range.start, inclusiveEnd: true, reverse: true };
}

function remember(seen: Set<string>, idBytes: Buffer): boolean {
  const id = idBytes.toString('latin1');
  if (seen.has(id)) return false;
  seen.add(id);
  return true;
}
