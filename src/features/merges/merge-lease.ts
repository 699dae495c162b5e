// Which process is working on a merge or undo. Its record carries `owner` (one random id per holder) and `leaseUntil`;
// the holder renews the lease every third of its length while it works and releases it when done or when it gives
// up with an error. Recovery (every API start, `persona merges recover`) takes over only records whose lease expired
// (the owner stopped renewing: it died) or that never had one (written by an older version), so several API
// instances on one database never abandon or replay each other's live merges.
// Clocks: expiry is the holder's clock plus the lease length, compared with the reader's clock, so hosts may disagree
// by anything well under MERGE_LEASE_MS (NTP keeps them within milliseconds of each other).
import { ObjectId } from 'bson';
import type { Filter, Store } from '../../store/port.ts';
import { mergesOf, type MergeRecordDoc } from './merge-record.ts';

export const MERGE_LEASE_MS = 5 * 60_000;

export interface MergeLease {
  owner: string;
  leaseUntil: Date;
}

export function newLease(leaseMs = MERGE_LEASE_MS): MergeLease {
  return { owner: new ObjectId().toHexString(), leaseUntil: new Date(Date.now() + leaseMs) };
}

/** Records recovery may take: lease expired by `now`, or never leased. */
export function takeableAt(now: Date): Filter {
  return { $or: [{ leaseUntil: { $lte: now } }, { leaseUntil: { $exists: false } }] };
}

/** The filter that matches a record only while it still has the owner it was read with (none included). */
export function sameOwner(record: Pick<MergeRecordDoc, '_id' | 'organisation' | 'owner'>): Filter {
  return { _id: record._id, organisation: record.organisation, owner: record.owner ?? { $exists: false } };
}

export interface HeldLease {
  /** Stops renewing and clears the lease (only if this holder still owns it). */
  release(): Promise<void>;
}

/** Renews `lease` on the record until released; a failed renewal is retried at the next tick. */
export function holdLease(
  store: Store,
  record: Pick<MergeRecordDoc, '_id' | 'organisation'>,
  lease: MergeLease,
  leaseMs = MERGE_LEASE_MS,
): HeldLease {
  const merges = mergesOf(store);
  const mine = { _id: record._id, organisation: record.organisation, owner: lease.owner };
  const timer = setInterval(
    () => {
      merges.updateOne(mine, { $set: { leaseUntil: new Date(Date.now() + leaseMs) } }).catch(() => {});
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await merges.updateOne(mine, { $unset: { owner: '', leaseUntil: '' } });
    },
  };
}

/** Runs `work` while holding `lease` on the record, releasing it however `work` ends. */
export async function whileLeased<T>(
  store: Store,
  record: Pick<MergeRecordDoc, '_id' | 'organisation'>,
  lease: MergeLease,
  leaseMs: number | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const held = holdLease(store, record, lease, leaseMs);
  try {
    return await work();
  } finally {
    await held.release();
  }
}
