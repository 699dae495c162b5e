// The embedded store's change log, behind Store.changeToken/changesSince: every document write appends one entry
// (collection, organisation, _id) under the next commit sequence number, inside the same LMDB write transaction as
// the write itself. LMDB serialises write transactions across every process sharing the directory, so sequence order
// is commit order and an entry exists exactly when its write committed: a reader that has seen every entry up to N
// has seen every write committed before N, whatever the writers' clocks said or however long they took.
//
// Growth is bounded: the oldest entries go once the log holds more than `maxEntries` or they are older than
// `maxAgeMs` (a little at a time, inside ordinary writes). A reader whose token was trimmed past is told its history is
// lost (the port's ChangeHistoryLost) and rescans what it follows, as after a MongoDB oplog roll-over. The age is
// only a bound on size: a wrong clock can trim early (a rescan), never lose a change silently.
import type { Database, Transaction } from 'lmdb';
import type { ChangeBatch, ChangeHistoryLost, DocumentChange } from '../port.ts';
import { decodeDocument, encodeDocument } from './codec.ts';
import { encodeValue } from './index-keys.ts';

export interface ChangeLogLimits {
  /** Entries kept at most (about 60 bytes each). Default 2,000,000. */
  maxEntries?: number;
  /** Entries older than this go. Default 7 days. */
  maxAgeMs?: number;
}

const DEFAULT_MAX_ENTRIES = 2_000_000;
const DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** Every TRIM_EVERY-th entry trims up to TRIM_AT_MOST old ones: more than are added meanwhile, so the log keeps its bound. */
const TRIM_EVERY = 64;
const TRIM_AT_MOST = 256;
/** Catalogue key of the highest sequence number trimmed so far (0: none). */
const TRIMMED_THROUGH_KEY = 'changeLog:trimmedThrough';
const TOKEN_PREFIX = 'embedded-changes:';

interface Entry {
  /** Collection. */
  c: string;
  /** The organisation's index-key bytes (compared without decoding), or null. */
  o: Buffer | null;
  /** `_id`. */
  i: unknown;
  /** When it was appended (Date.now()): only for trimming by age. */
  t: number;
}

export class ChangeLog {
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  /** The next sequence number of the write transaction under way, once its first entry looked it up; else null. */
  private next: number | null = null;

  constructor(
    private readonly changes: Database<Buffer, number>,
    private readonly catalogue: Database<any, string>,
    limits: ChangeLogLimits = {},
  ) {
    this.maxEntries = limits.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxAgeMs = limits.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  }

  /**
   * Runs a write transaction's body (synchronous, so no other write interleaves): its entries take consecutive
   * numbers after one look-up of the newest, instead of one look-up per document written.
   */
  inTransaction<T>(body: () => T): T {
    this.next = null;
    try {
      return body();
    } finally {
      this.next = null;
    }
  }

  /** Only inside inTransaction (DocumentWriter): the entry commits or rolls back with the write. */
  append(collection: string, document: Record<string, unknown>): void {
    const sequence = this.next ?? this.lastSequence() + 1;
    this.next = sequence + 1;
    const entry: Entry = {
      c: collection,
      o: document.organisation === undefined ? null : encodeValue(document.organisation),
      i: document._id,
      t: Date.now(),
    };
    this.changes.putSync(sequence, encodeDocument(entry));
    if (sequence % TRIM_EVERY === 0) this.trim(sequence);
  }

  /** The token of the newest entry now. */
  currentToken(transaction?: Transaction): string {
    return `${TOKEN_PREFIX}${this.lastSequence(transaction)}`;
  }

  /** The entries after `token` for these collections and organisation, read in one snapshot. */
  since(
    collections: string[],
    organisation: unknown,
    token: string,
    limit: number,
    transaction: Transaction,
  ): ChangeBatch | ChangeHistoryLost {
    const after = parseToken(token);
    const last = this.lastSequence(transaction);
    // Trimmed past (entries after the token are gone), or a token from ahead of this log (another store, a restored
    // backup): nothing can be said about what happened after it.
    if (after === null || after < this.trimmedThrough(transaction) || after > last) return { historyLost: true };
    const wanted = new Set(collections);
    const organisationBytes = encodeValue(organisation);
    const changes: DocumentChange[] = [];
    let reached = after;
    for (const { key, value } of this.changes.getRange({ start: after + 1, transaction })) {
      reached = key;
      const entry = decodeDocument(value) as Entry;
      if (wanted.has(entry.c) && entry.o !== null && organisationBytes.equals(entry.o)) changes.push({ collection: entry.c, id: entry.i });
      if (changes.length >= limit) break;
    }
    const hasMore = changes.length >= limit && reached < last;
    return { changes, token: `${TOKEN_PREFIX}${hasMore ? reached : last}`, hasMore };
  }

  /** The highest sequence number handed out: the newest entry, or the trim mark when every entry was trimmed. */
  private lastSequence(transaction?: Transaction): number {
    for (const key of this.changes.getKeys({ reverse: true, limit: 1, transaction })) return key;
    return this.trimmedThrough(transaction);
  }

  private trimmedThrough(transaction?: Transaction): number {
    return (this.catalogue.get(TRIMMED_THROUGH_KEY, transaction ? { transaction } : undefined) as number | undefined) ?? 0;
  }

  /** Removes the oldest entries beyond the bounds, at most TRIM_AT_MOST of them (inside the appending write). */
  private trim(newest: number): void {
    const oldestKept = Date.now() - this.maxAgeMs;
    const doomed: number[] = [];
    for (const { key, value } of this.changes.getRange({ limit: TRIM_AT_MOST })) {
      const isOverCount = newest - key + 1 > this.maxEntries;
      if (!isOverCount && (decodeDocument(value) as Entry).t >= oldestKept) break;
      doomed.push(key);
    }
    if (doomed.length === 0) return;
    for (const key of doomed) this.changes.removeSync(key);
    this.catalogue.putSync(TRIMMED_THROUGH_KEY, doomed.at(-1)!);
  }
}

function parseToken(token: string): number | null {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const sequence = Number(token.slice(TOKEN_PREFIX.length));
  return Number.isSafeInteger(sequence) && sequence >= 0 ? sequence : null;
}
