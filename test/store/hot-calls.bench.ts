// Times the store calls on the resolver's hot path (1000-key $in finds, 1000-op bulk upserts, _id $in on personas)
// on the embedded engine; prints medians and p90s. Run: node --import tsx test/store/hot-calls.bench.ts
import { ObjectId } from 'bson';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { freshDataDir } from './temp-dir.ts';
const store = await openEmbeddedStore({ dataDir: freshDataDir() });
const ids = store.collection('personaIdentifiers');
await ids.createIndex({ organisation: 1, canonicalKey: 1 }, { unique: true });
await ids.createIndex({ organisation: 1, persona: 1 });
const personas = store.collection('personas');
await personas.createIndex({ organisation: 1 });
const organisation = new ObjectId();
const time = async (label: string, runs: number, fn: (i: number) => Promise<unknown>) => {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); await fn(i); samples.push(performance.now() - t); }
  samples.sort((a, b) => a - b);
  console.log(`${label}: median ${samples[Math.floor(runs / 2)].toFixed(2)} ms, p90 ${samples[Math.floor(runs * 0.9)].toFixed(2)} ms`);
};
const batch = (i: number) => Array.from({ length: 1000 }, (_, n) => `mbox|mailto:user${i * 1000 + n}@example.org`);
await time('bulkWrite 1000 upserts ($setOnInsert, unordered, new keys)', 30, (i) => ids.bulkWrite(batch(i).map((canonicalKey) => ({
  updateOne: { filter: { organisation, canonicalKey }, update: { $setOnInsert: { persona: new ObjectId(), ifi: { key: 'mbox', value: canonicalKey }, createdAt: new Date() } }, upsert: true },
})), { ordered: false }));
await time('bulkWrite 1000 upserts (existing keys)', 30, (i) => ids.bulkWrite(batch(i).map((canonicalKey) => ({
  updateOne: { filter: { organisation, canonicalKey }, update: { $setOnInsert: { persona: new ObjectId() } }, upsert: true },
})), { ordered: false }));
await time('find $in 1000 canonicalKeys', 30, (i) => ids.find({ organisation, canonicalKey: { $in: batch(i) } }));
await personas.insertMany(Array.from({ length: 30000 }, () => ({ organisation, name: 'x', createdAt: new Date() })));
const personaIds = (await personas.find({}, { projection: { _id: 1 } })).map((p) => p._id);
await time('find _id $in 1000 personas', 30, (i) => personas.find({ _id: { $in: personaIds.slice(i * 1000, i * 1000 + 1000) } }));
await time('insertMany 1000 personas', 20, () => personas.insertMany(Array.from({ length: 1000 }, () => ({ organisation, name: 'y', createdAt: new Date() }))));
await time('findOne by unique key', 200, (i) => ids.findOne({ organisation, canonicalKey: `mbox|mailto:user${i}@example.org` }));
await store.close();
