// The statement pipeline end to end: Redis queue + worker processes (`workers/statements.worker.ts`) + one embedded
// store, against the resolver alone (no queue, in this process) measured in the same run on the same corpus.
// The producer keeps a bounded window of jobs in flight, so latency is that of a fed pipeline, not of a backlog.
// Sizes: BENCH_PIPELINE_STATEMENTS (default 1,000,000), BENCH_PIPELINE_JOB_SIZE (1,000), BENCH_LEARNERS (100,000),
// BENCH_PIPELINE_WORKERS ("1,2"), BENCH_PIPELINE_CONCURRENCY (per worker, 2), BENCH_PIPELINE_WINDOW (jobs in flight, default 2 × worker slots).
import { rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ObjectId } from 'bson';
import { Redis } from 'ioredis';
import { createResolver } from '../src/features/resolver/resolver.service.ts';
import { createStatementQueue } from '../src/queue/statement-queue.ts';
import { openEmbeddedStore } from '../src/store/embedded/index.ts';
import { ensureIndexes } from '../src/store/indexes.ts';
import { makeTempDir } from '../test/support/temp-store.ts';
import { batchesOf, type CorpusOptions } from './corpus.ts';

/** The q-quantile of sorted values (nearest rank), or null when there are none. */
function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export interface PipelineBenchOptions {
  statements?: number;
  jobSize?: number;
  learners?: number;
  workerCounts?: number[];
  concurrency?: number;
  window?: number;
  redisUrl?: string;
}

interface PipelineRun {
  workers: number;
  rate: number;
  seconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

const envInt = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const rate = (count: number, ms: number): number => Math.round(count / (ms / 1000));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function runPipelineBench(options: PipelineBenchOptions = {}): Promise<{ resolverRate: number; runs: PipelineRun[] }> {
  const corpus: CorpusOptions = {
    statements: options.statements ?? envInt('BENCH_PIPELINE_STATEMENTS', 1_000_000),
    learners: options.learners ?? envInt('BENCH_LEARNERS', 100_000),
  };
  const jobSize = options.jobSize ?? envInt('BENCH_PIPELINE_JOB_SIZE', 1000);
  const workerCounts = options.workerCounts ?? (process.env.BENCH_PIPELINE_WORKERS ?? '1,2').split(',').map(Number);
  const concurrency = options.concurrency ?? envInt('BENCH_PIPELINE_CONCURRENCY', 2);
  const window = options.window ?? (process.env.BENCH_PIPELINE_WINDOW ? Number(process.env.BENCH_PIPELINE_WINDOW) : undefined);
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const root = makeTempDir('persona-pipeline-bench-');
  try {
    const resolverRate = await measureResolverAlone(`${root}/alone`, corpus, jobSize);
    console.log(
      `corpus: ${corpus.statements.toLocaleString('en')} statements over ${corpus.learners.toLocaleString('en')} learners, jobs of ${jobSize}`,
    );
    console.log(`resolver alone (no queue):  ${resolverRate.toLocaleString('en')} statements/s`);
    const runs: PipelineRun[] = [];
    for (const workers of workerCounts) {
      // Enough jobs in flight to keep every worker slot busy, few enough that latency is not a backlog's.
      const inFlight = window ?? 2 * workers * concurrency;
      const run = await measurePipeline({
        dataDir: `${root}/pipeline-${workers}`,
        corpus,
        jobSize,
        workers,
        concurrency,
        window: inFlight,
        redisUrl,
      });
      runs.push(run);
      console.log(
        `pipeline, ${workers} worker process${workers > 1 ? 'es' : ''} (concurrency ${concurrency}): ${run.rate.toLocaleString('en')} statements/s` +
          `  (${run.seconds.toFixed(1)} s)  job latency p50 ${run.latencyP50Ms} ms, p99 ${run.latencyP99Ms} ms` +
          `  ratio to resolver alone ${(run.rate / resolverRate).toFixed(2)} (target ≥ 0.7)`,
      );
    }
    return { resolverRate, runs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function measureResolverAlone(dataDir: string, corpus: CorpusOptions, batchSize: number): Promise<number> {
  const store = await openEmbeddedStore({ dataDir });
  await ensureIndexes(store);
  const resolver = createResolver({ store, options: { includeAuthority: false, linkMboxSha1sum: true, batchSize } });
  const organisation = new ObjectId();
  const started = performance.now();
  for (const batch of batchesOf(corpus, batchSize)) await resolver.resolveStatements(organisation, batch);
  const elapsed = performance.now() - started;
  await store.close();
  return rate(corpus.statements, elapsed);
}

async function measurePipeline(run: {
  dataDir: string;
  corpus: CorpusOptions;
  jobSize: number;
  workers: number;
  concurrency: number;
  window: number;
  redisUrl: string;
}): Promise<PipelineRun> {
  const prefix = `persona-bench-${randomBytes(4).toString('hex')}`;
  const jobCount = Math.ceil(run.corpus.statements / run.jobSize);
  const queue = createStatementQueue({
    redisUrl: run.redisUrl,
    queueName: 'persona-statements',
    prefix,
    batchSize: run.jobSize,
    attempts: 3,
    backoffMs: 1000,
    keepCompleted: jobCount + 10,
    keepCompletedSeconds: 86400,
  });
  // Ensure the store's indexes exist before the workers race to create them.
  const store = await openEmbeddedStore({ dataDir: run.dataDir });
  await ensureIndexes(store);
  await store.close();
  const children = await Promise.all(
    Array.from({ length: run.workers }, () =>
      startWorker({
        DATA_DIR: run.dataDir,
        QUEUE_PREFIX: prefix,
        REDIS_URL: run.redisUrl,
        WORKER_CONCURRENCY: String(run.concurrency),
        RESOLVER_BATCH_SIZE: String(run.jobSize),
        JOB_RESULT: 'counts',
        LOG_LEVEL: 'warn',
      }),
    ),
  );
  try {
    const organisation = new ObjectId().toHexString();
    const jobIds: string[] = [];
    const started = performance.now();
    let finished = 0;
    for (const batch of batchesOf(run.corpus, run.jobSize)) {
      while (jobIds.length - finished >= run.window) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        finished = await finishedCount(queue.queue);
      }
      jobIds.push((await queue.enqueue(organisation, batch)).jobId);
    }
    while (finished < jobCount) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      finished = await finishedCount(queue.queue);
    }
    const elapsed = performance.now() - started;
    const failed = (await queue.queue.getJobCounts('failed')).failed;
    if (failed > 0) throw new Error(`${failed} pipeline jobs failed`);
    const jobs = await queue.queue.getCompleted(0, jobCount);
    const latencies = jobs.map((job) => (job.finishedOn ?? 0) - job.timestamp).sort((a, b) => a - b);
    return {
      workers: run.workers,
      rate: rate(run.corpus.statements, elapsed),
      seconds: elapsed / 1000,
      latencyP50Ms: quantile(latencies, 0.5) ?? 0,
      latencyP99Ms: quantile(latencies, 0.99) ?? 0,
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await queue.queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    const redis = new Redis(run.redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

async function finishedCount(queue: ReturnType<typeof createStatementQueue>['queue']): Promise<number> {
  const counts = await queue.getJobCounts('completed', 'failed');
  return counts.completed + counts.failed;
}

async function startWorker(env: Record<string, string>): Promise<{ name: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/statements.worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, STORE: 'embedded', QUEUE: 'bullmq', ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('worker ready')) resolve();
    });
    exited.then(() => reject(new Error(`bench worker exited before it was ready:\n${output}`)));
  });
  child.stdout!.resume();
  return {
    name: `${hostname()}:${child.pid}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
