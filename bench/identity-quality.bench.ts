// Identity quality figures (issue 15) on one organisation of IDENTITY_QUALITY_BENCH_PERSONAS (100,000) personas with
// 1.5 identifiers each, created over 60 days, and 1,000 merges: GET /v1/stats/identity's service cold (the
// identifiers-per-persona aggregation runs) and warm (cached distribution: index counts and the daily series), against
// a ceiling measured in the same run, a plain read of every identifier of the organisation (what a naive figure would
// do per request); and the pseudonymised organisation export's rate against a ceiling of reading the same personas
// and identifiers without pseudonymising.
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../src/domain/model.ts';
import { ensureAllIndexes } from '../src/wiring/all-indexes.ts';
import { createIdentityHealthService } from '../src/features/identity-health/identity-health.service.ts';
import { enablePseudonymisation, pseudonymiserOf } from '../src/features/pseudonyms/pseudonym-keys.ts';
import { pseudonymisedOrganisationExport } from '../src/features/pseudonyms/pseudonymised-export.ts';
import { openEmbeddedStore } from '../src/store/embedded/index.ts';
import type { Store } from '../src/store/port.ts';

const DAY_MS = 86_400_000;

async function seed(store: Store, organisation: ObjectId, personas: number): Promise<void> {
  const now = Date.now();
  const ids = Array.from({ length: personas }, () => new ObjectId());
  for (let start = 0; start < personas; start += 5000) {
    const slice = ids.slice(start, start + 5000);
    await store.collection(COLLECTIONS.personas).insertMany(
      slice.map((_id, offset) => {
        const createdAt = new Date(now - ((start + offset) % 60) * DAY_MS);
        return {
          _id,
          organisation,
          name: `P ${start + offset}`,
          createdAt,
          updatedAt: createdAt,
          ...((start + offset) % 100 === 1 ? { mergedInto: ids[start + offset - 1] } : {}),
        };
      }),
    );
    await store.collection(COLLECTIONS.identifiers).insertMany(
      slice.flatMap((persona, offset) => {
        const index = start + offset;
        const mbox = {
          organisation,
          persona,
          ifi: { key: 'mbox', value: `mailto:p${index}@example.org` },
          canonicalKey: `mbox|mailto:p${index}@example.org`,
          createdAt: new Date(),
          updatedAt: new Date(),
        };
        const account = {
          organisation,
          persona,
          ifi: { key: 'account', value: { homePage: 'https://lms.example.org', name: `u${index}` } },
          canonicalKey: `account|["https://lms.example.org","u${index}"]`,
          createdAt: new Date(),
          updatedAt: new Date(),
        };
        return index % 2 === 0 ? [mbox, account] : [mbox];
      }),
    );
  }
  await store.collection(COLLECTIONS.merges).insertMany(
    Array.from({ length: 1000 }, (_, index) => {
      const at = new Date(now - (index % 30) * DAY_MS);
      return {
        organisation,
        target: ids[index * 100],
        sources: [ids[index * 100 + 1]],
        actor: 'bench',
        state: 'applied',
        createdAt: at,
        appliedAt: at,
        updatedAt: at,
      };
    }),
  );
}

const ms = (started: number) => performance.now() - started;

export async function runIdentityQualityBench(options: { personas?: number } = {}): Promise<void> {
  const personas = options.personas ?? Number(process.env.IDENTITY_QUALITY_BENCH_PERSONAS ?? 100_000);
  const dir = await mkdtemp(join(tmpdir(), 'identity-quality-bench-'));
  const store = await openEmbeddedStore({ dataDir: join(dir, 'data') });
  try {
    await ensureAllIndexes(store);
    const organisation = new ObjectId();
    await seed(store, organisation, personas);
    console.log(`${personas.toLocaleString('en')} personas, ${Math.round(personas * 1.5).toLocaleString('en')} identifiers, 1,000 merges`);

    let started = performance.now();
    await store.collection(COLLECTIONS.identifiers).find({ organisation }, { projection: { persona: 1, 'ifi.key': 1 } });
    const scanMs = ms(started);
    const health = createIdentityHealthService({ store });
    started = performance.now();
    await health.health(organisation, 30);
    const coldMs = ms(started);
    started = performance.now();
    const figures = await health.health(organisation, 30);
    const warmMs = ms(started);
    console.log(`ceiling (read every identifier once): ${Math.round(scanMs)} ms`);
    console.log(`stats/identity cold (distribution computed): ${Math.round(coldMs)} ms = ${(coldMs / scanMs).toFixed(2)}× the ceiling`);
    console.log(
      `stats/identity warm (distribution cached, 30-day series): ${Math.round(warmMs)} ms = ${(warmMs / scanMs).toFixed(2)}× the ceiling (${figures.personas} live, rate ${figures.deduplicationRate.toFixed(3)})`,
    );

    await enablePseudonymisation(store, organisation, 'bench');
    const pseudonyms = (await pseudonymiserOf(store, organisation))!;
    started = performance.now();
    let read = 0;
    let batch: ObjectId[] = [];
    const readBatch = async () => {
      await store
        .collection(COLLECTIONS.identifiers)
        .find({ organisation, persona: { $in: batch } }, { projection: { _id: 1, persona: 1, ifi: 1, canonicalKey: 1 } });
      await store.collection(COLLECTIONS.attributes).find({ organisation, personaId: { $in: batch } });
      read += batch.length;
      batch = [];
    };
    for await (const persona of store
      .collection(COLLECTIONS.personas)
      .iterate({ organisation, mergedInto: { $exists: false } }, { sort: { _id: 1 }, batchSize: 500 })) {
      batch.push(persona._id as ObjectId);
      if (batch.length === 500) await readBatch();
    }
    if (batch.length > 0) await readBatch();
    const readMs = ms(started);
    started = performance.now();
    let exported = 0;
    for await (const batch of pseudonymisedOrganisationExport(store, organisation, pseudonyms))
      exported += JSON.stringify(batch).length > 0 ? batch.length : 0;
    const exportMs = ms(started);
    console.log(
      `ceiling (the export's reads without pseudonymising or recording): ${Math.round(read / (readMs / 1000)).toLocaleString('en')} personas/s`,
    );
    console.log(
      `pseudonymised organisation export: ${Math.round(exported / (exportMs / 1000)).toLocaleString('en')} personas/s = ${(readMs / exportMs).toFixed(2)} of the ceiling's rate`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
