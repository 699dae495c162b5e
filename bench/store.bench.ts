// Times the store calls on the resolver's hot path on the embedded engine (1000-key `$in` finds with the resolver's
// projection, 1000-op bulk upserts by unique key and by `_id`, `_id $in` on personas, insertMany for the raw rate);
// prints wall-clock median/p90 and the median CPU time per call (steadier on a loaded machine).
// Run: npm run bench -- store
import { rmSync } from 'node:fs';
import { ObjectId } from 'bson';
import { openEmbeddedStore } from '../src/store/embedded/index.ts';
import { makeTempDir } from '../test/support/temp-store.ts';

export async function runStoreBench(): Promise<void> {
  const dataDir = makeTempDir('persona-store-bench-');
  const store = await openEmbeddedStore({ dataDir });
  const ids = store.collection('personaIdentifiers');
  await ids.createIndex({ organisation: 1, canonicalKey: 1 }, { unique: true });
  await ids.createIndex({ organisation: 1, persona: 1 });
  const personas = store.collection('personas');
  await personas.createIndex({ organisation: 1 });
  const organisation = new ObjectId();

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const time = async (label: string, runs: number, fn: (i: number) => Promise<unknown>) => {
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < runs; i++) {
      const cpu = process.cpuUsage();
      const t = performance.now();
      await fn(i);
      walls.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) / 1000);
    }
    const sorted = [...walls].sort((a, b) => a - b);
    console.log(
      `${label.padEnd(58)} median ${median(walls).toFixed(2).padStart(7)} ms  p90 ${sorted[Math.floor(runs * 0.9)].toFixed(2).padStart(7)} ms  cpu ${median(cpus).toFixed(2).padStart(7)} ms`,
    );
  };

  const batch = (i: number) => Array.from({ length: 1000 }, (_, n) => `mbox|mailto:user${i * 1000 + n}@example.org`);
  const now = new Date();
  const identifierUpserts = (i: number) =>
    batch(i).map((canonicalKey) => ({
      updateOne: {
        filter: { organisation, canonicalKey },
        update: {
          $setOnInsert: {
            ifi: { key: 'mbox', value: canonicalKey.slice(5) },
            persona: new ObjectId(),
            locked: false,
            createdAt: now,
            updatedAt: now,
          },
        },
        upsert: true,
      },
    }));
  await time('bulkWrite 1000 upserts ($setOnInsert, unordered, new keys)', 30, (i) =>
    ids.bulkWrite(identifierUpserts(i), { ordered: false }),
  );
  await time('bulkWrite 1000 upserts (existing keys)', 30, (i) => ids.bulkWrite(identifierUpserts(i), { ordered: false }));
  await time('find $in 1000 canonicalKeys (projection)', 30, (i) =>
    ids.find({ organisation, canonicalKey: { $in: batch(i) } }, { projection: { _id: 1, persona: 1, canonicalKey: 1 } }),
  );
  await time('find $in 1000 canonicalKeys (whole documents)', 30, (i) => ids.find({ organisation, canonicalKey: { $in: batch(i) } }));
  const personaIds = Array.from({ length: 30_000 }, () => new ObjectId());
  const personaUpserts = (i: number) =>
    personaIds.slice(i * 1000, i * 1000 + 1000).map((_id) => ({
      updateOne: {
        filter: { _id, organisation },
        update: { $setOnInsert: { name: 'x', active: true, createdAt: now, updatedAt: now, createdBy: 'resolver', updatedBy: 'resolver' } },
        upsert: true,
      },
    }));
  await time('bulkWrite 1000 persona upserts by _id (new)', 30, (i) => personas.bulkWrite(personaUpserts(i), { ordered: false }));
  await time('find _id $in 1000 + organisation (projection)', 30, (i) =>
    personas.find({ _id: { $in: personaIds.slice(i * 1000, i * 1000 + 1000) }, organisation }, { projection: { _id: 1, mergedInto: 1 } }),
  );
  await time('insertMany 1000 personas', 20, () =>
    personas.insertMany(
      Array.from({ length: 1000 }, () => ({
        organisation,
        name: 'y',
        active: true,
        createdAt: now,
        updatedAt: now,
        createdBy: 'resolver',
        updatedBy: 'resolver',
      })),
    ),
  );
  await time('findOne by unique key', 200, (i) => ids.findOne({ organisation, canonicalKey: `mbox|mailto:user${i}@example.org` }));
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
