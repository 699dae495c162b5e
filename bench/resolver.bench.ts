// Resolver throughput on the embedded store, with its reference points measured in the same run:
//   ceilings — two true ones: JSON.parse of the same statements as JSON lines (the least any resolver must do), and
//              lmdb-js's raw `put` of as many documents and index entries in one transaction (the least the store can
//              write); and, for comparison with earlier figures, the engine's own insertMany of equivalent documents;
//   baseline — Learning Locker's way: per statement, find the identifier, else insert identifier, persona and link.
// The resolver and the baseline maintain every index the service creates (ensureAllIndexes), as in production.
// Sizes: BENCH_STATEMENTS (default 1,000,000), BENCH_LEARNERS (100,000), BENCH_BASELINE_STATEMENTS (20,000).
import { rmSync } from 'node:fs';
import { open as openLmdb } from 'lmdb';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../src/domain/model.ts';
import { canonicalIdentifierKey, toStoredIfi } from '../src/domain/xapi/index.ts';
import { createResolver } from '../src/features/resolver/resolver.service.ts';
import { openEmbeddedStore } from '../src/store/embedded/index.ts';
import { ensureAllIndexes } from '../src/wiring/all-indexes.ts';
import type { Store } from '../src/store/port.ts';
import { makeTempDir } from '../test/support/temp-store.ts';
import { batchesOf, statementAt, type CorpusOptions } from './corpus.ts';

const envInt = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const rate = (count: number, ms: number): number => Math.round(count / (ms / 1000));

export async function runResolverBench(): Promise<void> {
  const corpus: CorpusOptions = { statements: envInt('BENCH_STATEMENTS', 1_000_000), learners: envInt('BENCH_LEARNERS', 100_000) };
  const batchSize = envInt('BENCH_BATCH_SIZE', 1000);
  const baselineStatements = Math.min(envInt('BENCH_BASELINE_STATEMENTS', 20_000), corpus.statements);
  const dataDir = makeTempDir('persona-bench-');
  try {
    const organisation = new ObjectId();
    let store = await openEmbeddedStore({ dataDir: `${dataDir}/resolver` });
    await ensureAllIndexes(store);
    const resolver = createResolver({ store, options: { includeAuthority: false, linkMboxSha1sum: true, batchSize } });
    // Only resolveStatements is timed (generating the synthetic statements is not the resolver's work).
    let resolverMs = 0;
    let personas = 0;
    for (const batch of batchesOf(corpus, batchSize)) {
      const batchStarted = performance.now();
      personas += (await resolver.resolveStatements(organisation, batch)).counts.personasCreated;
      resolverMs += performance.now() - batchStarted;
    }
    const resolverRate = rate(corpus.statements, resolverMs);
    const resolverRss = peakRssMb();
    await store.close();

    const started = performance.now();
    store = await openEmbeddedStore({ dataDir: `${dataDir}/resolver` });
    await store.collection(COLLECTIONS.identifiers).findOne({ organisation });
    const reopenMs = performance.now() - started;
    await store.close();

    const ceilingRate = await measureBulkInsertCeiling(`${dataDir}/ceiling`, corpus, batchSize);
    const parseRate = measureParseCeiling(corpus, batchSize);
    const putRate = measureRawPutCeiling(`${dataDir}/raw-put`, corpus);
    const baselineRate = await measurePerStatementBaseline(`${dataDir}/baseline`, corpus, baselineStatements);

    console.log(
      `corpus: ${corpus.statements} statements over ${corpus.learners} learners (batches of ${batchSize}); personas created: ${personas}`,
    );
    console.log(
      `resolver (batch path):              ${resolverRate.toLocaleString('en')} statements/s  (${(resolverMs / 1000).toFixed(1)} s, peak RSS ${resolverRss} MB)`,
    );
    console.log(`ceiling (JSON.parse of the lines):  ${parseRate.toLocaleString('en')} statements/s`);
    console.log(`ceiling (lmdb-js raw put, 1 txn):   ${putRate.toLocaleString('en')} documents + index entries/s`);
    console.log(`engine insertMany (not a ceiling):  ${ceilingRate.toLocaleString('en')} documents/s`);
    console.log(
      `baseline (per statement, LL-style): ${baselineRate.toLocaleString('en')} statements/s  (${baselineStatements} statements)`,
    );
    console.log(
      `ratio resolver / JSON.parse ceiling: ${(resolverRate / parseRate).toFixed(3)}   ratio resolver / raw put ceiling: ${(resolverRate / putRate).toFixed(3)}`,
    );
    console.log(`ratio resolver / engine insertMany:  ${(resolverRate / ceilingRate).toFixed(2)}`);
    console.log(`ratio resolver / baseline: ${(resolverRate / baselineRate).toFixed(1)}×  (target ≥ 10×)`);
    console.log(
      `reopen of the ${corpus.learners}-learner store: ${reopenMs.toFixed(0)} ms (target < 5000 ms); peak RSS ${peakRssMb()} MB (target < 1500 MB)`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Statements/s of JSON.parse alone over the corpus serialised as JSON lines (serialising is not timed). */
function measureParseCeiling(corpus: CorpusOptions, batchSize: number): number {
  let ms = 0;
  for (const batch of batchesOf(corpus, batchSize)) {
    const lines = batch.map((statement) => JSON.stringify(statement));
    const started = performance.now();
    for (const line of lines) JSON.parse(line);
    ms += performance.now() - started;
  }
  return rate(corpus.statements, ms);
}

/**
 * lmdb-js with nothing of ours: one identifier-shaped document per statement (msgpack, keyed by id) and one unique
 * index entry per document (organisation + canonical key → id), all `put` in one transaction, committed.
 */
function measureRawPutCeiling(dataDir: string, corpus: CorpusOptions): number {
  const root = openLmdb({ path: dataDir, mapSize: 8 * 1024 ** 3 });
  const documents = root.openDB({ name: 'documents', keyEncoding: 'binary' });
  const index = root.openDB({ name: 'index', keyEncoding: 'ordered-binary', encoding: 'binary' });
  const organisation = new ObjectId();
  const now = new Date();
  const entries: Array<{ id: Buffer; key: string[]; document: Record<string, unknown> }> = [];
  for (let position = 0; position < corpus.statements; position += 1) {
    const ifi = toStoredIfi(statementAt(position, corpus).actor as Record<string, unknown>);
    const id = new ObjectId();
    entries.push({
      id: Buffer.from(id.id),
      key: [organisation.toHexString(), `${canonicalIdentifierKey(ifi)}#${position}`],
      document: { organisation: organisation.toHexString(), persona: new ObjectId().toHexString(), ifi, createdAt: now, updatedAt: now },
    });
  }
  const started = performance.now();
  root.transactionSync(() => {
    for (const entry of entries) {
      documents.putSync(entry.id, entry.document);
      index.putSync(entry.key, entry.id);
    }
  });
  const ms = performance.now() - started;
  root.close();
  return rate(corpus.statements, ms);
}

/** Inserts one identifier-shaped document per statement, in bulk, into a collection with the same unique index. */
async function measureBulkInsertCeiling(dataDir: string, corpus: CorpusOptions, batchSize: number): Promise<number> {
  const store = await openEmbeddedStore({ dataDir });
  const collection = store.collection('ceiling');
  await collection.createIndex({ organisation: 1, canonicalKey: 1 }, { unique: true });
  const organisation = new ObjectId();
  const now = new Date();
  // Only insertMany is timed: building the documents from the corpus is not the store's work.
  let ms = 0;
  for (let start = 0; start < corpus.statements; start += batchSize) {
    const documents = [];
    for (let index = start; index < Math.min(start + batchSize, corpus.statements); index += 1) {
      const ifi = toStoredIfi(statementAt(index, corpus).actor as Record<string, unknown>);
      documents.push({
        organisation,
        persona: new ObjectId(),
        ifi,
        canonicalKey: `${canonicalIdentifierKey(ifi)}#${index}`,
        createdAt: now,
        updatedAt: now,
      });
    }
    const started = performance.now();
    await collection.insertMany(documents, { ordered: false });
    ms += performance.now() - started;
  }
  await store.close();
  return rate(corpus.statements, ms);
}

/** Learning Locker's persona service, one statement at a time: find, else insert locked identifier, persona, unlock. */
async function measurePerStatementBaseline(dataDir: string, corpus: CorpusOptions, statements: number): Promise<number> {
  const store: Store = await openEmbeddedStore({ dataDir });
  await ensureAllIndexes(store);
  const identifiers = store.collection(COLLECTIONS.identifiers);
  const personas = store.collection(COLLECTIONS.personas);
  const organisation = new ObjectId();
  const started = performance.now();
  for (let index = 0; index < statements; index += 1) {
    const ifi = toStoredIfi(statementAt(index, corpus).actor as Record<string, unknown>);
    const canonicalKey = canonicalIdentifierKey(ifi);
    const existing = await identifiers.findOne({ organisation, canonicalKey });
    if (existing) {
      await personas.findOne({ _id: existing.persona });
      continue;
    }
    const identifier = await identifiers.findOneAndUpdate(
      { organisation, canonicalKey },
      { $setOnInsert: { ifi, locked: true, lockedAt: new Date() } },
      { upsert: true, returnDocument: 'after' },
    );
    const { insertedId } = await personas.insertOne({ organisation, name: null });
    await identifiers.updateOne({ _id: identifier!._id }, { $set: { locked: false, persona: insertedId }, $unset: { lockedAt: '' } });
  }
  const ms = performance.now() - started;
  await store.close();
  return rate(statements, ms);
}
