// The consumer side of the statements queue: validates each `resolve` job and resolves it through the resolution
// pipeline it is given (resolver and after-resolution effects, wiring/application.ts), slice by slice. Delivery is at least once: a crashed worker's job is re-run
// after its lock expires, and since resolution is idempotent a re-run creates nothing twice. Store errors are thrown
// so BullMQ retries with exponential backoff; a payload that can never succeed is dead-lettered at once.
import { hostname } from 'node:os';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import { ObjectId } from 'bson';
import { Redis } from 'ioredis';
import { addResult, emptyResult, type ResolutionResult } from '../core/resolution-result.ts';
import { describePayloadProblems, RESOLVE_JOB_NAME, type ResolveJobData } from './job-payload.ts';
import { createMetricsRecorder } from './queue-metrics.ts';
import { bullConnection } from './redis-connection.ts';

export interface WorkerLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface StatementWorkerOptions {
  redisUrl: string;
  queueName: string;
  prefix: string;
  concurrency: number;
  /** A job whose worker stopped renewing its lock this long ago is re-run elsewhere. */
  lockMs: number;
  stalledIntervalMs: number;
  /** Lock losses before a job is dead-lettered (protects against a statement batch that kills every worker). */
  maxStalled: number;
  jobResult: 'full' | 'counts';
  /** Retries for jobs enqueued without `attempts` by other BullMQ clients (exponential from backoffMs). */
  fallbackRetry?: { attempts: number; backoffMs: number };
  /** Statements resolved between two yields to the event loop (the resolver's batch size). */
  sliceSize?: number;
  /** This worker's store: a job naming another store is never resolved here (store-queue-prefix.ts). */
  storeId?: string;
  /** Recorded on each job as `processedBy`; default `<host>:<pid>`. */
  workerName?: string;
}

export interface StatementWorkerDependencies {
  /** Resolution and its effects; a throw fails the attempt (retried), which is safe as both are idempotent. */
  resolveStatements(organisation: ObjectId, statements: unknown[]): Promise<ResolutionResult>;
  logger: WorkerLogger;
}

export interface StatementWorker {
  readonly worker: Worker<ResolveJobData>;
  /** Stops taking jobs and waits for the running ones to finish (nothing is lost). */
  close(): Promise<void>;
}

export function createStatementProcessor(
  options: Pick<StatementWorkerOptions, 'jobResult' | 'sliceSize' | 'fallbackRetry' | 'storeId'>,
  dependencies: StatementWorkerDependencies,
) {
  const sliceSize = options.sliceSize ?? 1000;
  const fallback = options.fallbackRetry ?? { attempts: 1, backoffMs: 0 };
  /**
   * Resolves a job slice by slice and yields to the event loop between slices: an embedded store can answer from
   * already-settled promises, and a job that never lets timers run cannot renew its lock, so BullMQ would take it
   * for stalled and run it twice.
   */
  async function resolveInSlices(organisation: ObjectId, statements: unknown[]): Promise<ResolutionResult> {
    const total = emptyResult();
    for (let start = 0; start < statements.length; start += sliceSize) {
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      addResult(total, await dependencies.resolveStatements(organisation, statements.slice(start, start + sliceSize)));
    }
    return total;
  }

  return async (job: Job<ResolveJobData>): Promise<ResolutionResult | { counts: ResolutionResult['counts'] }> => {
    if (job.name !== RESOLVE_JOB_NAME) throw new UnrecoverableError(`unknown job name "${job.name}" (expected "${RESOLVE_JOB_NAME}")`);
    const problems = describePayloadProblems(job.data);
    if (problems) throw new UnrecoverableError(`invalid job payload: ${problems}`);
    if (job.data.store && options.storeId && job.data.store !== options.storeId) {
      // Two installations share a queue (the same QUEUE_PREFIX and QUEUE_NAME on one Redis): resolving here would
      // write another store's personas into this one. Failed for good, it stays visible in `persona jobs failed`.
      throw new UnrecoverableError(
        `job was enqueued for store ${job.data.store}, this worker resolves into store ${options.storeId}; give each installation its own QUEUE_PREFIX`,
      );
    }
    const organisation = new ObjectId(job.data.organisation);
    // A job added without `attempts` (another producer) would fail for good on its first store error: retry it here.
    const attempts = (job.opts.attempts ?? 1) > 1 ? 1 : fallback.attempts;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await resolveInSlices(organisation, job.data.statements);
        return options.jobResult === 'full' ? result : { counts: result.counts };
      } catch (error) {
        if (attempt >= attempts) throw error;
        dependencies.logger.warn({ jobId: job.id, attempt, err: (error as Error).message }, 'statement job failed; retrying in process');
        await new Promise((resolve) => setTimeout(resolve, fallback.backoffMs * 2 ** (attempt - 1)));
      }
    }
  };
}

export function startStatementWorker(options: StatementWorkerOptions, dependencies: StatementWorkerDependencies): StatementWorker {
  const metricsRedis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  metricsRedis.on('error', () => {});
  const metrics = createMetricsRecorder(metricsRedis, options.prefix, options.queueName);
  const processor = createStatementProcessor(options, dependencies);
  const worker = new Worker<ResolveJobData>(options.queueName, processor, {
    connection: bullConnection(options.redisUrl),
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: options.maxStalled,
    name: options.workerName ?? `${hostname()}:${process.pid}`,
  });
  const { logger } = dependencies;
  worker.on('completed', (job, value) => {
    const counts = (value as ResolutionResult | undefined)?.counts;
    if (counts) metrics.recordCompleted(counts, Date.now() - job.timestamp).catch(() => {});
  });
  worker.on('failed', (job, error) => {
    metrics.recordFailed().catch(() => {});
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    logger[final ? 'error' : 'warn'](
      { jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
      final ? 'statement job dead-lettered' : 'statement job failed; will retry',
    );
  });
  worker.on('error', (error) => logger.error({ err: error.message }, 'queue worker error'));
  logger.info({ queue: options.queueName, concurrency: options.concurrency }, 'statement worker started');
  return {
    worker,
    async close() {
      await worker.close();
      await metricsRedis.quit().catch(() => {});
    },
  };
}
