// Identifiers per persona (a distribution, 0 to 10+) and the share of personas holding more than one identifier
// kind. Both need every identifier of the organisation grouped by persona, which no index answers, so the figure is
// computed by one aggregation and kept for DISTRIBUTION_TTL_MS per organisation in this process (a dashboard
// refreshing, or every replica scraped, never runs it more often); `computedAt` says how old it is. Concurrent
// requests share the running computation.
import type { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';

export const DISTRIBUTION_TTL_MS = 5 * 60_000;
/** Personas with this many identifiers or more share the last bucket. */
export const DISTRIBUTION_TOP = 10;

export interface IdentifierDistribution {
  /** `identifiers`: '0' … '9', '10+'. Personas without identifiers are the live personas not counted elsewhere. */
  buckets: Array<{ identifiers: string; personas: number }>;
  /** Personas (with identifiers) holding two or more identifier kinds. */
  multiKindPersonas: number;
  computedAt: string;
}

interface Grouped {
  _id: { n: number; multi: boolean };
  personas: number;
}

async function computeDistribution(store: Store, organisation: ObjectId, livePersonas: number): Promise<IdentifierDistribution> {
  const grouped = await store
    .collection(COLLECTIONS.identifiers)
    .aggregate<Grouped>([
      { $match: { organisation } },
      { $group: { _id: '$persona', n: { $sum: 1 }, kinds: { $addToSet: '$ifi.key' } } },
      { $group: { _id: { n: { $min: ['$n', DISTRIBUTION_TOP] }, multi: { $gt: [{ $size: '$kinds' }, 1] } }, personas: { $sum: 1 } } },
    ]);
  const counts = new Array<number>(DISTRIBUTION_TOP + 1).fill(0);
  let multiKindPersonas = 0;
  for (const group of grouped) {
    counts[group._id.n] += group.personas;
    if (group._id.multi) multiKindPersonas += group.personas;
  }
  counts[0] = Math.max(0, livePersonas - counts.reduce((sum, count) => sum + count, 0));
  return {
    buckets: counts.map((personas, n) => ({ identifiers: n === DISTRIBUTION_TOP ? `${n}+` : String(n), personas })),
    multiKindPersonas,
    computedAt: new Date().toISOString(),
  };
}

export function createDistributionCache(store: Store, ttlMs = DISTRIBUTION_TTL_MS) {
  const cached = new Map<string, { at: number; value: Promise<IdentifierDistribution> }>();
  return (organisation: ObjectId, livePersonas: number): Promise<IdentifierDistribution> => {
    const key = organisation.toHexString();
    const hit = cached.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const value = computeDistribution(store, organisation, livePersonas);
    cached.set(key, { at: Date.now(), value });
    value.catch(() => cached.delete(key));
    return value;
  };
}
