// Mixed read/write load on the native API over the embedded store, 200 connections from a second process on
// loopback (bench/http-load.ts): 70 % reads (persona by id, by identifier, a list page), 30 % writes (statements
// resolved in the request, attribute puts). Prints throughput, p50/p99/p99.9, error rate, and the server's RSS and
// heap sampled over the run (growth = last / first sample), against a bare express route measured in the same run.
// Sizes: BENCH_LOAD_PERSONAS (100,000), BENCH_LOAD_SECONDS (60), BENCH_LOAD_CONNECTIONS (200); BENCH_LOAD_LONG=1 is
// the long run (1,000,000 personas, 600 s).
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { ObjectId } from 'bson';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { ensureInitialClient } from '../src/features/clients/initial-client.ts';
import { openEmbeddedStore } from '../src/store/embedded/index.ts';
import { makeTempDir } from '../test/support/temp-store.ts';
import { seed, serveWithBareRoute } from './http.bench.ts';

const run = promisify(execFile);
const isLong = Boolean(process.env.BENCH_LOAD_LONG);
const envInt = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

interface MixedResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  total: number;
}

async function load(
  url: string,
  requests: Array<{ method: string; path: string; body?: string }>,
  headers: Record<string, string>,
  connections: number,
  durationSeconds: number,
): Promise<MixedResult> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./http-load.ts', import.meta.url).pathname,
      JSON.stringify({
        url,
        requests,
        headers,
        connections,
        durationSeconds,
      }),
    ],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as MixedResult;
}

/** 1,000 requests in the mix, 70 % reads and 30 % writes, over the seeded learners. */
function mix(sample: ObjectId[], personas: number): Array<{ method: string; path: string; body?: string }> {
  const requests: Array<{ method: string; path: string; body?: string }> = [];
  for (let index = 0; index < 1000; index += 1) {
    const persona = sample[index % sample.length].toHexString();
    const learner = (index * 7919) % personas;
    const slot = index % 10;
    if (slot < 4) requests.push({ method: 'GET', path: `/v1/personas/${persona}` });
    else if (slot < 6)
      requests.push({
        method: 'GET',
        path: `/v1/personas/by-identifier?account.homePage=${encodeURIComponent('https://lms.example.org')}&account.name=learner-${learner}`,
      });
    else if (slot < 7) requests.push({ method: 'GET', path: '/v1/personas?sort=-createdAt&limit=20' });
    else if (slot < 9) {
      const statement = {
        actor: { account: { homePage: 'https://lms.example.org', name: `learner-${learner}` } },
        verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
        object: { id: 'https://example.org/course' },
      };
      requests.push({ method: 'POST', path: '/v1/statements?wait=true', body: JSON.stringify([statement]) });
    } else requests.push({ method: 'PUT', path: `/v1/personas/${persona}/attributes/level`, body: JSON.stringify({ value: index }) });
  }
  return requests;
}

export async function runLoadBench(): Promise<void> {
  const personas = envInt('BENCH_LOAD_PERSONAS', isLong ? 1_000_000 : 100_000);
  const seconds = envInt('BENCH_LOAD_SECONDS', isLong ? 600 : 60);
  const connections = envInt('BENCH_LOAD_CONNECTIONS', 200);
  const dataDir = makeTempDir('persona-load-bench-');
  const store = await openEmbeddedStore({ dataDir });
  const built = await createApp(loadConfig({ DATA_DIR: dataDir, QUEUE: 'inline', LOG_LEVEL: 'silent' }), {
    store,
    logger: pino({ level: 'silent' }),
    defaultMetrics: false,
  });
  const server = createServer();
  try {
    const initial = (await ensureInitialClient({ store, clients: built.services.clients, dataDir }))!.credentials;
    let started = performance.now();
    const sample = await seed(store, new ObjectId(initial.organisation), personas);
    console.log(
      `personas: ${personas.toLocaleString('en')} (seeded in ${((performance.now() - started) / 1000).toFixed(1)} s); ${connections} connections, ${seconds} s, 70 % reads / 30 % writes`,
    );
    const { url, headers } = await serveWithBareRoute(server, built.app, initial);
    const ceiling = await load(url, [{ method: 'GET', path: '/bare' }], headers, connections, Math.min(10, seconds));

    const memory: Array<{ second: number; rssMb: number; heapMb: number }> = [];
    started = performance.now();
    const sampleMemory = () => {
      const { rss, heapUsed } = process.memoryUsage();
      memory.push({
        second: Math.round((performance.now() - started) / 1000),
        rssMb: Math.round(rss / 2 ** 20),
        heapMb: Math.round(heapUsed / 2 ** 20),
      });
    };
    sampleMemory();
    const sampler = setInterval(sampleMemory, Math.max(1000, (seconds * 1000) / 12));
    const result = await load(url, mix(sample, personas), headers, connections, seconds).finally(() => clearInterval(sampler));
    sampleMemory();

    const errorRate = (result.non2xx + result.errors + result.timeouts) / Math.max(1, result.total);
    console.log(
      `bare express route (ceiling)   ${Math.round(ceiling.requestsPerSecond).toLocaleString('en').padStart(8)} req/s   p50 ${ceiling.p50} ms   p99 ${ceiling.p99} ms`,
    );
    console.log(
      `mixed reads and writes          ${Math.round(result.requestsPerSecond).toLocaleString('en').padStart(8)} req/s   p50 ${result.p50} ms   p99 ${result.p99} ms   p99.9 ${result.p999} ms   (${(result.requestsPerSecond / ceiling.requestsPerSecond).toFixed(3)} of the ceiling)`,
    );
    console.log(
      `requests ${result.total.toLocaleString('en')}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}: error rate ${(errorRate * 100).toFixed(3)} %`,
    );
    console.log(
      `memory over time (s: RSS MB / heap MB): ${memory.map((point) => `${point.second}: ${point.rssMb}/${point.heapMb}`).join(', ')}`,
    );
    console.log(
      `growth last/first: RSS ${(memory.at(-1)!.rssMb / memory[0].rssMb).toFixed(2)}, heap ${(memory.at(-1)!.heapMb / memory[0].heapMb).toFixed(2)}`,
    );
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await built.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
