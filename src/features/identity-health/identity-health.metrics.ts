// Prometheus gauges of identity health on /metrics/cluster (figures of the store, the same from every replica):
// deployment-wide totals always, and the per-organisation de-duplication ratio only while the deployment has at
// most METRICS_ORGANISATION_LIMIT organisations (a label per tenant would otherwise grow without bound). One
// snapshot, read organisation by organisation through the index counts of identity-counts.ts, serves all gauges
// of a scrape and is kept SNAPSHOT_TTL_MS.
import type { ObjectId } from 'bson';
import { Gauge, type Registry } from 'prom-client';
import { COLLECTIONS } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { IFI_KINDS, deduplicationRate, identityCounts, type IdentityCounts } from './identity-counts.ts';

export const METRICS_ORGANISATION_LIMIT = 50;
const SNAPSHOT_TTL_MS = 30_000;

type Snapshot = Array<{ organisation: string; counts: IdentityCounts }>;

async function readSnapshot(store: Store): Promise<Snapshot> {
  const snapshot: Snapshot = [];
  for await (const organisation of store
    .collection<{ _id: ObjectId }>(COLLECTIONS.organisations)
    .iterate({}, { projection: { _id: 1 }, sort: { _id: 1 } })) {
    snapshot.push({ organisation: organisation._id.toHexString(), counts: await identityCounts(store, organisation._id) });
  }
  return snapshot;
}

export function registerIdentityHealthMetrics(registry: Registry, store: Store): void {
  let cached: { at: number; value: Promise<Snapshot> } | null = null;
  const snapshot = (): Promise<Snapshot> => {
    if (!cached || Date.now() - cached.at > SNAPSHOT_TTL_MS) {
      const value = readSnapshot(store);
      cached = { at: Date.now(), value };
      value.catch(() => {
        cached = null;
      });
    }
    return cached.value;
  };
  const sum = (all: Snapshot, pick: (counts: IdentityCounts) => number) => all.reduce((total, entry) => total + pick(entry.counts), 0);

  new Gauge({
    name: 'persona_identity_personas',
    help: 'personas over all organisations: live, or merged into another',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const all = await snapshot();
      this.set(
        { state: 'live' },
        sum(all, (counts) => counts.personas),
      );
      this.set(
        { state: 'merged' },
        sum(all, (counts) => counts.mergedPersonas),
      );
    },
  });
  new Gauge({
    name: 'persona_identity_identifiers',
    help: 'identifiers over all organisations, by kind',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const all = await snapshot();
      for (const kind of IFI_KINDS)
        this.set(
          { kind },
          sum(all, (counts) => counts.identifiersByKind[kind]),
        );
    },
  });
  new Gauge({
    name: 'persona_identity_duplicate_suggestions_open',
    help: 'suggested duplicate pairs neither merged nor dismissed, over all organisations',
    registers: [registry],
    async collect() {
      this.set(sum(await snapshot(), (counts) => counts.duplicateSuggestionsOpen));
    },
  });
  new Gauge({
    name: 'persona_identity_deduplication_ratio',
    help: 'merged personas over all personas, over all organisations',
    registers: [registry],
    async collect() {
      const all = await snapshot();
      this.set(
        deduplicationRate(
          sum(all, (counts) => counts.personas),
          sum(all, (counts) => counts.mergedPersonas),
        ),
      );
    },
  });
  new Gauge({
    name: 'persona_identity_organisation_deduplication_ratio',
    help: `merged personas over all personas, per organisation (only while there are at most ${METRICS_ORGANISATION_LIMIT} organisations)`,
    labelNames: ['organisation'],
    registers: [registry],
    async collect() {
      const all = await snapshot();
      this.reset();
      if (all.length > METRICS_ORGANISATION_LIMIT) return;
      for (const { organisation, counts } of all) this.set({ organisation }, deduplicationRate(counts.personas, counts.mergedPersonas));
    },
  });
}
