// Identity health of one organisation (issue 15): the counts (identity-counts.ts), the identifiers-per-persona
// distribution (identifier-distribution.ts, cached) and the daily series (daily-series.ts), as GET /v1/stats/identity
// answers them.
import type { ObjectId } from 'bson';
import type { Store } from '../../store/port.ts';
import { dailySeries, type DailyFigures } from './daily-series.ts';
import { createDistributionCache, type IdentifierDistribution } from './identifier-distribution.ts';
import { deduplicationRate, identityCounts, type IdentityCounts } from './identity-counts.ts';

export interface IdentityHealth extends IdentityCounts {
  generatedAt: string;
  deduplicationRate: number;
  /** Live personas holding two or more identifier kinds, over live personas. */
  multiKindShare: number;
  identifiersPerPersona: IdentifierDistribution;
  series: DailyFigures[];
}

export interface IdentityHealthService {
  health(organisation: ObjectId, days: number): Promise<IdentityHealth>;
  counts(organisation: ObjectId): Promise<IdentityCounts>;
}

export function createIdentityHealthService({ store }: { store: Store }): IdentityHealthService {
  const distribution = createDistributionCache(store);
  return {
    counts: (organisation) => identityCounts(store, organisation),
    async health(organisation, days) {
      const counts = await identityCounts(store, organisation);
      const [perPersona, series] = await Promise.all([
        distribution(organisation, counts.personas),
        dailySeries(store, organisation, days, counts),
      ]);
      return {
        generatedAt: new Date().toISOString(),
        ...counts,
        deduplicationRate: deduplicationRate(counts.personas, counts.mergedPersonas),
        multiKindShare: counts.personas === 0 ? 0 : Math.min(1, perPersona.multiKindPersonas / counts.personas),
        identifiersPerPersona: perPersona,
        series,
      };
    },
  };
}
