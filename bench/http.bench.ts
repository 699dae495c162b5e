// HTTP read performance of the native API over the embedded store, load generated from a second process on loopback.
// BENCH_PERSONAS personas (default 1,000,000; each with 1-3 identifiers) are bulk-inserted, then autocannon
// (bench/http-load.ts in a child process) measures: a bare express route on the same server (the ceiling),
// GET /v1/personas/{id}, by-identifier, a sorted list page, search as an admin types (prefixes of names and
// identifiers, words of taglines, through the token index that the benchmark builds as `persona migrate` does),
// and cursor page 1 vs page 10,000.
// Options: BENCH_HTTP_SECONDS (5 per scenario), BENCH_HTTP_CONNECTIONS (32).
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { ObjectId } from 'bson';
import express, { type Express } from 'express';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { COLLECTIONS, type IdentifierDoc, type Ifi, type PersonaDoc } from '../src/domain/model.ts';
import { canonicalIdentifierKey } from '../src/domain/xapi/index.ts';
import { ensureInitialClient } from '../src/features/clients/initial-client.ts';
import { createCursorCodec } from '../src/core/list/cursor.ts';
import { loadCursorSecret } from '../src/core/list/cursor-secret.ts';
import { listDigest } from '../src/core/list/list-digest.ts';
import { parseListQuery } from '../src/core/list/list-query.ts';
import { PERSONA_LIST } from '../src/features/personas/personas.schemas.ts';
import { refreshSearchIndex } from '../src/features/search/search-index.ts';
import { openEmbeddedStore } from '../src/store/embedded/index.ts';
import type { Store } from '../src/store/port.ts';
import { makeTempDir } from '../test/support/temp-store.ts';

const run = promisify(execFile);
const envInt = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

export interface HttpBenchOptions {
  personas?: number;
  durationSeconds?: number;
  connections?: number;
}

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

export const ifiFor = (index: number, variant: number): Ifi => {
  if (variant === 0) return { key: 'account', value: { homePage: 'https://lms.example.org', name: `learner-${index}` } };
  if (variant === 1) return { key: 'mbox', value: `mailto:learner-${index}@example.org` };
  return { key: 'openid', value: `https://id.example.org/learner-${index}` };
};

/** Bulk-inserts personas with 1-3 identifiers each; createdAt increases with the index (ties every 10). */
export async function seed(store: Store, organisation: ObjectId, count: number): Promise<ObjectId[]> {
  const personas = store.collection<PersonaDoc>(COLLECTIONS.personas);
  const identifiers = store.collection<IdentifierDoc>(COLLECTIONS.identifiers);
  const base = Date.UTC(2024, 0, 1);
  const sampleIds: ObjectId[] = [];
  // Large batches: one store transaction (one flushed commit) each.
  const batch = 50_000;
  for (let start = 0; start < count; start += batch) {
    const personaDocs: PersonaDoc[] = [];
    const identifierDocs: IdentifierDoc[] = [];
    for (let index = start; index < Math.min(count, start + batch); index += 1) {
      const createdAt = new Date(base + Math.floor(index / 10) * 1000);
      const persona: PersonaDoc = {
        _id: new ObjectId(),
        organisation,
        name: `Learner ${index}`,
        profile: index % 50 === 0 ? { tagline: 'mentor' } : {},
        active: true,
        metadata: {},
        createdAt,
        updatedAt: createdAt,
        createdBy: 'bench',
        updatedBy: 'bench',
      };
      personaDocs.push(persona);
      if (index % Math.max(1, Math.floor(count / 1000)) === 0) sampleIds.push(persona._id);
      for (let variant = 0; variant < 1 + (index % 3); variant += 1) {
        const ifi = ifiFor(index, variant);
        identifierDocs.push({
          _id: new ObjectId(),
          organisation,
          persona: persona._id,
          ifi,
          canonicalKey: canonicalIdentifierKey(ifi),
          locked: false,
          createdAt,
          updatedAt: createdAt,
        });
      }
    }
    await personas.insertMany(personaDocs, { ordered: false });
    await identifiers.insertMany(identifierDocs, { ordered: false });
  }
  return sampleIds;
}

/** Every prefix of "learner <n>" and of "learner-<n>@example.org" for a few learners, as an admin types them. */
function typedSearches(indexes: number[]): string[] {
  const paths: string[] = [];
  for (const index of indexes.slice(0, 20)) {
    for (const text of [`learner ${index}`, `learner-${index}@example.org`]) {
      for (let length = 1; length <= text.length; length += 1)
        paths.push(`/v1/personas?search=${encodeURIComponent(text.slice(0, length))}&limit=20`);
    }
  }
  return paths;
}

async function load(
  url: string,
  paths: string[],
  headers: Record<string, string>,
  options: Required<HttpBenchOptions>,
): Promise<LoadResult> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./http-load.ts', import.meta.url).pathname,
      JSON.stringify({
        url,
        paths,
        headers,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
      }),
    ],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}

/** Serves the app with a bare express route beside it (`/bare`, the ceiling), on an ephemeral loopback port. */
export async function serveWithBareRoute(server: Server, app: Express, credentials: { key: string; secret: string }) {
  const outer = express();
  outer.get('/bare', (_req, res) => {
    res.json({ ok: true });
  });
  outer.use(app);
  server.on('request', outer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, headers: { authorization: `Basic ${Buffer.from(`${credentials.key}:${credentials.secret}`).toString('base64')}` } };
}

export async function runHttpBench(input: HttpBenchOptions = {}): Promise<void> {
  const options: Required<HttpBenchOptions> = {
    personas: input.personas ?? envInt('BENCH_PERSONAS', 1_000_000),
    durationSeconds: input.durationSeconds ?? envInt('BENCH_HTTP_SECONDS', 5),
    connections: input.connections ?? envInt('BENCH_HTTP_CONNECTIONS', 32),
  };
  const dataDir = makeTempDir('persona-http-bench-');
  const store = await openEmbeddedStore({ dataDir });
  const config = loadConfig({ DATA_DIR: dataDir, QUEUE: 'inline', LOG_LEVEL: 'silent' });
  const built = await createApp(config, { store, logger: pino({ level: 'silent' }), defaultMetrics: false });
  const server = createServer();
  try {
    const initial = (await ensureInitialClient({ store, clients: built.services.clients, dataDir }))!.credentials;
    const organisation = new ObjectId(initial.organisation);
    let started = performance.now();
    const sample = await seed(store, organisation, options.personas);
    const seedSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await refreshSearchIndex(store, organisation);
    const indexSeconds = (performance.now() - started) / 1000;

    const { url, headers } = await serveWithBareRoute(server, built.app, initial);

    // Cursors of page 1 and page 10,000 of `sort=-createdAt&limit=20` (the deep one positioned from the store directly).
    const pageSize = 20;
    const deepPage = Math.min(10_000, Math.floor(options.personas / pageSize) - 1);
    const sortQuery = 'sort=-createdAt&limit=20';
    const query = parseListQuery(PERSONA_LIST, { sort: '-createdAt', limit: '20' });
    const codec = createCursorCodec(await loadCursorSecret(store));
    const digest = listDigest('personas', organisation, query);
    const positionAt = async (rowIndex: number) => {
      const [row] = await store
        .collection<PersonaDoc>(COLLECTIONS.personas)
        .find({ organisation }, { sort: { createdAt: -1, _id: -1 }, skip: rowIndex, limit: 1 });
      return codec.encode({ createdAt: row.createdAt, _id: row._id }, digest);
    };
    const page1Cursor = await positionAt(pageSize - 1);
    const deepCursor = await positionAt(deepPage * pageSize - 1);
    const firstPage = await fetch(`${url}/v1/personas?${sortQuery}&after=${page1Cursor}`, { headers });
    if (firstPage.status !== 200) throw new Error(`cursor page answered ${firstPage.status}: ${await firstPage.text()}`);

    const sampleIndexes = sample.map((_, position) => position * Math.max(1, Math.floor(options.personas / 1000)));
    const scenarios: Array<[string, string[]]> = [
      ['bare express route (ceiling)', ['/bare']],
      ['GET /v1/personas/{id}', sample.map((id) => `/v1/personas/${id.toHexString()}`)],
      [
        'GET /v1/personas/by-identifier',
        sampleIndexes.map(
          (index) =>
            `/v1/personas/by-identifier?account.homePage=${encodeURIComponent('https://lms.example.org')}&account.name=learner-${index}`,
        ),
      ],
      ['GET /v1/personas?sort=-createdAt&limit=20', [`/v1/personas?${sortQuery}`]],
      ['GET /v1/personas?search=mentor&limit=20', ['/v1/personas?search=mentor&limit=20']],
      // What an admin types, key by key: a name, then an address; each request is one prefix.
      ['search as you type (name, address)', typedSearches(sampleIndexes)],
      ['cursor page 1 (sort=-createdAt)', [`/v1/personas?${sortQuery}&after=${page1Cursor}`]],
      [`cursor page ${deepPage + 1}`, [`/v1/personas?${sortQuery}&after=${deepCursor}`]],
    ];
    const results = new Map<string, LoadResult>();
    console.log(
      `personas: ${options.personas.toLocaleString('en')} (seeded in ${seedSeconds.toFixed(1)} s, search index built in ${indexSeconds.toFixed(1)} s); ${options.connections} connections, ${options.durationSeconds} s per scenario, load from a child process`,
    );
    for (const [name, paths] of scenarios) {
      started = performance.now();
      const result = await load(url, paths, headers, options);
      results.set(name, result);
      const problems = result.non2xx || result.errors ? `  (non-2xx ${result.non2xx}, errors ${result.errors})` : '';
      console.log(
        `${name.padEnd(44)} ${Math.round(result.requestsPerSecond).toLocaleString('en').padStart(8)} req/s   p50 ${String(result.p50).padStart(4)} ms   p99 ${String(result.p99).padStart(4)} ms${problems}`,
      );
    }
    const ceiling = results.get('bare express route (ceiling)')!.requestsPerSecond;
    const ratio = (name: string) => (results.get(name)!.requestsPerSecond / ceiling).toFixed(2);
    const page1 = results.get('cursor page 1 (sort=-createdAt)')!;
    const deep = results.get(`cursor page ${deepPage + 1}`)!;
    console.log(`ratio single persona / ceiling:   ${ratio('GET /v1/personas/{id}')}  (target ≥ 0.6)`);
    console.log(`ratio by-identifier / ceiling:    ${ratio('GET /v1/personas/by-identifier')}  (target ≥ 0.6)`);
    console.log(`sorted list p99:                  ${results.get('GET /v1/personas?sort=-createdAt&limit=20')!.p99} ms  (target < 20 ms)`);
    console.log(`tagline word search p99:          ${results.get('GET /v1/personas?search=mentor&limit=20')!.p99} ms  (target < 50 ms)`);
    console.log(`search as you type p99:           ${results.get('search as you type (name, address)')!.p99} ms  (target < 50 ms)`);
    console.log(
      `page ${deepPage + 1} / page 1 cost:         ${(page1.requestsPerSecond / deep.requestsPerSecond).toFixed(2)}× by throughput, p50 ${deep.p50} vs ${page1.p50} ms  (target ≤ 1.5×)`,
    );
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await built.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runHttpBench();
