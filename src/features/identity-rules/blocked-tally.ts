// How many identifiers the blocked-value rules refused, per organisation and UTC day (identity health's
// `blockedIdentifiers` and its daily series). Each path that refuses a blocked identifier (statements resolved,
// import rows, the API and Learning Locker's routes) adds its refusals with one `$inc` upsert on the unique
// (organisation, day) key: concurrent writers add up, one small document per organisation and day, whatever the
// volume. A queued statement job that is retried counts its blocked agents again: the figure is a rate, not a ledger.
import type { ObjectId } from 'bson';
import type { IndexDefinition } from '../../store/indexes.ts';
import { upsertRetryingDuplicateKey, type Store } from '../../store/port.ts';

export const BLOCKED_TALLY_COLLECTION = 'identityBlockedDaily';

interface BlockedTallyDoc {
  organisation: ObjectId;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  count: number;
}

export const BLOCKED_TALLY_INDEXES: IndexDefinition[] = [
  { collection: BLOCKED_TALLY_COLLECTION, keys: { organisation: 1, day: 1 }, options: { unique: true } },
];

const tallyOf = (store: Store) => store.collection<BlockedTallyDoc>(BLOCKED_TALLY_COLLECTION);
const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/** Adds `count` refused identifiers to the organisation's figure of the day of `at`. */
export async function recordBlockedIdentifiers(store: Store, organisation: ObjectId, count: number, at = new Date()): Promise<void> {
  if (count <= 0) return;
  // Two first refusals of the day may race for the unique key: the loser's retry adds to the winner's document.
  await upsertRetryingDuplicateKey(() => tallyOf(store).updateOne({ organisation, day: dayOf(at) }, { $inc: { count } }, { upsert: true }));
}

/** Every refusal the organisation saw (one document per day it saw any: small enough to read whole). */
export async function countBlockedIdentifiers(store: Store, organisation: ObjectId): Promise<number> {
  const documents = await tallyOf(store).find({ organisation }, { projection: { count: 1 } });
  return documents.reduce((sum, document) => sum + document.count, 0);
}

/** The organisation's refusals per day from `fromDay` (inclusive, `YYYY-MM-DD`). */
export async function blockedIdentifiersPerDay(store: Store, organisation: ObjectId, fromDay: string): Promise<Map<string, number>> {
  const documents = await tallyOf(store).find({ organisation, day: { $gte: fromDay } }, { projection: { day: 1, count: 1 } });
  return new Map(documents.map((document) => [document.day, document.count]));
}
