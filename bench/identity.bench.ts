// Identity-management figures: merge of a persona with many identifiers, duplicate suggestions over many personas,
// and a large CSV import (rows/s and peak RSS). Sizes from IDENTITY_BENCH_MERGE_IDENTIFIERS (10,000),
// IDENTITY_BENCH_PERSONAS (100,000) and IDENTITY_BENCH_IMPORT_ROWS (1,000,000), or the options object.
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../src/domain/model.ts';
import { createDuplicatesService } from '../src/features/duplicates/duplicates.service.ts';
import { createImportService } from '../src/features/imports/imports.service.ts';
import { createMergeService } from '../src/features/merges/merge.service.ts';
import { ensureAllIndexes } from '../src/wiring/all-indexes.ts';
import { openEmbeddedStore } from '../src/store/embedded/index.ts';
import type { Store } from '../src/store/port.ts';

export interface IdentityBenchOptions {
  mergeIdentifiers?: number;
  personas?: number;
  importRows?: number;
}

const envInt = (name: string, fallback: number): number => (process.env[name] ? Number(process.env[name]) : fallback);

async function withFreshStore<T>(work: (store: Store, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'identity-bench-'));
  const store = await openEmbeddedStore({ dataDir: join(dir, 'data') });
  try {
    // Every index the service creates: the planner chooses among all of them, as it does in production.
    await ensureAllIndexes(store);
    return await work(store, dir);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function insertInChunks(
  store: Store,
  collection: string,
  count: number,
  make: (index: number) => Record<string, unknown>,
): Promise<void> {
  for (let start = 0; start < count; start += 5000) {
    const docs = Array.from({ length: Math.min(5000, count - start) }, (_, offset) => make(start + offset));
    await store.collection(collection).insertMany(docs);
  }
}

async function benchMerge(size: number): Promise<void> {
  await withFreshStore(async (store) => {
    const organisation = new ObjectId();
    const [target, source] = [new ObjectId(), new ObjectId()];
    const now = new Date();
    await store
      .collection(COLLECTIONS.personas)
      .insertMany([target, source].map((_id) => ({ _id, organisation, name: 'p', createdAt: now, updatedAt: now })));
    await insertInChunks(store, COLLECTIONS.identifiers, size, (index) => ({
      organisation,
      persona: source,
      ifi: { key: 'openid', value: `http://id.example.org/${index}` },
      canonicalKey: `openid|http://id.example.org/${index}`,
      createdAt: now,
      updatedAt: now,
    }));
    const started = performance.now();
    const merge = await createMergeService({ store }).mergePersonas({
      organisation,
      targetId: target,
      sourceIds: [source],
      actor: 'bench',
    });
    console.log(
      `merge of a persona with ${size.toLocaleString('en')} identifiers: ${Math.round(performance.now() - started)} ms (${merge.moved.identifiers.length} moved)`,
    );
  });
}

async function benchDuplicates(size: number): Promise<void> {
  await withFreshStore(async (store) => {
    const organisation = new ObjectId();
    // Written a minute ago, as data is before anyone asks for duplicates (refreshes follow the store's change feed,
    // not these timestamps: the first refresh builds from a full scan, the next ones read only what came after it).
    const now = new Date(Date.now() - 60_000);
    const ids = Array.from({ length: size }, () => new ObjectId());
    // Every 50th persona shares an email (case variant) with the next one; every 100th a display name.
    await insertInChunks(store, COLLECTIONS.personas, size, (index) => ({
      _id: ids[index],
      organisation,
      name: index % 100 === 1 ? `Person ${index - 1}` : `Person ${index}`,
      createdAt: now,
      updatedAt: now,
    }));
    await insertInChunks(store, COLLECTIONS.identifiers, size, (index) => {
      const address = index % 50 === 1 ? `P${index - 1}@example.org` : `p${index}@example.org`;
      return {
        organisation,
        persona: ids[index],
        ifi: { key: 'mbox', value: `mailto:${address}` },
        canonicalKey: `mbox|mailto:${address}`,
        createdAt: now,
        updatedAt: now,
      };
    });
    const service = createDuplicatesService({ store });
    let started = performance.now();
    const pairs = await service.listDuplicates(organisation);
    console.log(
      `duplicate suggestions over ${size.toLocaleString('en')} personas (first run, builds the index): ${Math.round(performance.now() - started)} ms, ${pairs.length} pairs`,
    );
    started = performance.now();
    await service.listDuplicates(organisation);
    console.log(
      `duplicate suggestions over ${size.toLocaleString('en')} personas (index up to date): ${Math.round(performance.now() - started)} ms`,
    );
    // 1% of the personas renamed to their neighbour's name: the refresh re-indexes just them and their pairs.
    const renamed = Math.floor(size / 100);
    await store.collection(COLLECTIONS.personas).bulkWrite(
      Array.from({ length: renamed }, (_, index) => ({
        updateOne: {
          filter: { _id: ids[index * 100 + 2] },
          update: { $set: { name: `Person ${index * 100 + 3}`, updatedAt: new Date() } },
        },
      })),
    );
    started = performance.now();
    const after = await service.listDuplicates(organisation);
    console.log(
      `duplicate suggestions over ${size.toLocaleString('en')} personas (after ${renamed.toLocaleString('en')} renames): ${Math.round(performance.now() - started)} ms, ${after.length} pairs`,
    );
    const timings: number[] = [];
    for (let index = 0; index < 100; index += 1) {
      started = performance.now();
      await service.suggestionsFor(organisation, ids[(index * 7) % size]);
      timings.push(performance.now() - started);
    }
    // The first call reads the change feed past the renames' own re-indexing writes: median and max apart.
    timings.sort((a, b) => a - b);
    console.log(
      `suggestions for one persona: median ${timings[50].toFixed(1)} ms, p95 ${timings[95].toFixed(1)} ms, max ${timings[99].toFixed(1)} ms`,
    );
  });
}

async function benchImport(rows: number): Promise<void> {
  await withFreshStore(async (store, dir) => {
    const file = join(dir, 'people.csv');
    const out = createWriteStream(file);
    out.write('email,login,name,employee\n');
    for (let index = 0; index < rows; index += 1) {
      if (!out.write(`p${index}@example.org,u${index},Person ${index},E${index}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    // RSS also counts the pages of the embedded store's memory-mapped file that were touched (the OS reclaims them);
    // the JavaScript heap is what the import itself holds.
    let peakRss = process.memoryUsage().rss;
    let peakHeap = process.memoryUsage().heapUsed;
    let peakPrivate = privateRssBytes();
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
      peakPrivate = Math.max(peakPrivate, privateRssBytes());
    }, 100);
    const organisation = new ObjectId();
    const service = createImportService({ store, mergeService: createMergeService({ store }) });
    const started = performance.now();
    const { done } = await service.startImport({
      organisation,
      filePath: file,
      actor: 'bench',
      mapping: {
        columns: {
          email: { type: 'mbox', primary: 1 },
          login: { type: 'account_name', homePage: 'http://lms.example.org' },
          name: { type: 'name' },
          employee: { type: 'attribute' },
        },
      },
    });
    const finished = await done;
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `import of ${rows.toLocaleString('en')} CSV rows: ${Math.round(rows / seconds).toLocaleString('en')} rows/s (${seconds.toFixed(1)} s, state ${finished.state}), peak RSS ${Math.round(peakRss / 1048576)} MB (of which private, not the store's mapped file: ${Math.round(peakPrivate / 1048576)} MB), peak JS heap ${Math.round(peakHeap / 1048576)} MB`,
    );
  });
}

export async function runIdentityBench(options: IdentityBenchOptions = {}): Promise<void> {
  await benchMerge(options.mergeIdentifiers ?? envInt('IDENTITY_BENCH_MERGE_IDENTIFIERS', 10_000));
  await benchDuplicates(options.personas ?? envInt('IDENTITY_BENCH_PERSONAS', 100_000));
  await benchImport(options.importRows ?? envInt('IDENTITY_BENCH_IMPORT_ROWS', 1_000_000));
}

if (import.meta.url === `file://${process.argv[1]}`) await runIdentityBench();

/** Anonymous (private) resident memory from /proc/self/status: RSS without file-backed pages such as the store's map. */
function privateRssBytes(): number {
  try {
    const match = /^RssAnon:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // not Linux
  }
}
