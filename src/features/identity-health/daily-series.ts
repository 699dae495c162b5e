// The time series by day (UTC) of the last `days` days, today last: personas created (one index-range count per day
// on (organisation, createdAt, _id)), merges and undos (the merge journal, read through (organisation, updatedAt):
// every merge applied or undone in the window was updated in it), identifiers refused by blocked values (the daily
// tally, identity-rules/blocked-tally.ts), and the number of personas and the
// de-duplication rate at the end of each day, walked back from today's figures. Erased personas leave no trace, so
// days before an erasure count them as if they never existed.
import type { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { blockedIdentifiersPerDay } from '../identity-rules/blocked-tally.ts';
import { mergesOf } from '../merges/merge-record.ts';
import { deduplicationRate } from './identity-counts.ts';

export interface DailyFigures {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  personasCreated: number;
  merges: number;
  undos: number;
  /** Identifiers the blocked-value rules refused that day. */
  blockedIdentifiers: number;
  /** Live personas at the end of the day (now, for today). */
  personas: number;
  deduplicationRate: number;
}

const DAY_MS = 86_400_000;
const dayIndex = (date: Date, start: number): number => Math.floor((date.getTime() - start) / DAY_MS);

export async function dailySeries(
  store: Store,
  organisation: ObjectId,
  days: number,
  now: { personas: number; mergedPersonas: number },
  clock = new Date(),
): Promise<DailyFigures[]> {
  const today = Date.UTC(clock.getUTCFullYear(), clock.getUTCMonth(), clock.getUTCDate());
  const start = today - (days - 1) * DAY_MS;
  const personas = store.collection(COLLECTIONS.personas);
  const series: DailyFigures[] = [];
  const blocked = await blockedIdentifiersPerDay(store, organisation, new Date(start).toISOString().slice(0, 10));
  for (let day = 0; day < days; day += 1) {
    const from = new Date(start + day * DAY_MS);
    const date = from.toISOString().slice(0, 10);
    series.push({
      date,
      personasCreated: await personas.countDocuments({ organisation, createdAt: { $gte: from, $lt: new Date(from.getTime() + DAY_MS) } }),
      merges: 0,
      undos: 0,
      blockedIdentifiers: blocked.get(date) ?? 0,
      personas: 0,
      deduplicationRate: 0,
    });
  }
  // Personas moved into (merged) or out of (undone) tombstones per day, for the walk back below.
  const mergedOn = new Array<number>(days).fill(0);
  const undoneOn = new Array<number>(days).fill(0);
  const journal = await mergesOf(store).find(
    { organisation, updatedAt: { $gte: new Date(start) }, state: { $in: ['applied', 'undone'] } },
    { projection: { sources: 1, createdAt: 1, appliedAt: 1, undoneAt: 1 } },
  );
  for (const merge of journal) {
    const applied = dayIndex(merge.appliedAt ?? merge.createdAt, start);
    if (applied >= 0 && applied < days) {
      series[applied].merges += 1;
      mergedOn[applied] += merge.sources.length;
    }
    const undone = merge.undoneAt ? dayIndex(merge.undoneAt, start) : -1;
    if (undone >= 0 && undone < days) {
      series[undone].undos += 1;
      undoneOn[undone] += merge.sources.length;
    }
  }
  let total = now.personas + now.mergedPersonas;
  let merged = now.mergedPersonas;
  for (let day = days - 1; day >= 0; day -= 1) {
    series[day].personas = total - merged;
    series[day].deduplicationRate = deduplicationRate(total - merged, merged);
    // The end of the day before: take back what this day did.
    total -= series[day].personasCreated;
    merged += undoneOn[day] - mergedOn[day];
  }
  return series;
}
