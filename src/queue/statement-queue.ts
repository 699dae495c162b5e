// The producer side of the statements queue: enqueues statement arrays as `resolve` jobs (split into jobs of
// `batchSize`), and reads jobs back for GET /v1/jobs/{id} and `persona jobs`. A request split into several jobs gets
// one public id `s<hex>-<n>` whose parts are `s<hex>-<n>-<i>`; a single-job request's public id is its job id.
import { Job, Queue, type JobsOptions } from 'bullmq';
import { ObjectId } from 'bson';
import { addCounts, addResult, emptyCounts, emptyResult } from '../core/resolution-result.ts';
import type { ResolutionResult } from '../core/resolution-result.ts';
import type { JobReport, JobState, StatementPublisher } from '../core/statement-jobs.ts';
import { RESOLVE_JOB_NAME, splitIntoJobs, type ResolveJobData } from './job-payload.ts';
import { bullConnection } from './redis-connection.ts';

export interface StatementQueueOptions {
  redisUrl: string;
  queueName: string;
  /** BullMQ key prefix; tests use their own so they never collide. */
  prefix: string;
  /** Named in every job, so that only this store's workers resolve it (store-queue-prefix.ts). */
  storeId?: string;
  batchSize: number;
  attempts: number;
  backoffMs: number;
  keepCompleted: number;
  keepCompletedSeconds: number;
}

export interface StatementQueue extends StatementPublisher {
  readonly queue: Queue<ResolveJobData>;
  readonly queueName: string;
  close(): Promise<void>;
}

const MULTI_PART_ID = /^s[0-9a-f]{24}-(\d+)$/;

export function statementJobOptions(
  options: Pick<StatementQueueOptions, 'attempts' | 'backoffMs' | 'keepCompleted' | 'keepCompletedSeconds'>,
): JobsOptions {
  return {
    attempts: options.attempts,
    backoff: { type: 'exponential', delay: options.backoffMs },
    removeOnComplete: { count: options.keepCompleted, age: options.keepCompletedSeconds },
    // Dead letters stay until someone retries or removes them (`persona jobs failed|retry`).
    removeOnFail: false,
  };
}

export function createStatementQueue(options: StatementQueueOptions): StatementQueue {
  const queue = new Queue<ResolveJobData>(options.queueName, {
    connection: bullConnection(options.redisUrl),
    prefix: options.prefix,
    defaultJobOptions: statementJobOptions(options),
  });
  // Errors surface through the awaited calls; an unhandled 'error' event would crash the process.
  queue.on('error', () => {});

  function partIds(jobId: string): string[] {
    const multi = MULTI_PART_ID.exec(jobId);
    const parts = multi && Number(multi[1]) > 1 ? Number(multi[1]) : 0;
    return parts === 0 ? [jobId] : Array.from({ length: parts }, (_, index) => `${jobId}-${index}`);
  }

  return {
    queue,
    queueName: options.queueName,

    async enqueue(organisation, statements) {
      const payloads = splitIntoJobs(organisation, statements, options.batchSize, options.storeId);
      const base = `s${new ObjectId().toHexString()}`;
      const publicId = payloads.length === 1 ? base : `${base}-${payloads.length}`;
      const jobIds = payloads.length === 1 ? [publicId] : payloads.map((_, index) => `${publicId}-${index}`);
      await queue.addBulk(payloads.map((data, index) => ({ name: RESOLVE_JOB_NAME, data, opts: { jobId: jobIds[index] } })));
      return { jobId: publicId, jobIds, accepted: statements.length };
    },

    async getJobReport(jobId, organisation) {
      const ids = partIds(jobId);
      // State first, then the job: a job read before its state could be 'active' data (no return value yet) under
      // a 'completed' state read a moment later.
      const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
      const parts = await Promise.all(ids.map((id) => Job.fromId<ResolveJobData>(queue, id)));
      if (parts.some((job) => !job)) return null;
      const jobs = parts as Array<Job<ResolveJobData>>;
      if (jobs.some((job) => String(job.data?.organisation).toLowerCase() !== organisation.toLowerCase())) return null;
      return reportOf(jobId, jobs, states);
    },

    async waitingCount() {
      return queue.getWaitingCount();
    },

    async close() {
      await queue.close();
    },
  };
}

function reportOf(id: string, jobs: Array<Job<ResolveJobData>>, states: string[]): JobReport {
  const failedIndex = states.indexOf('failed');
  const state: JobState =
    failedIndex >= 0
      ? 'failed'
      : states.every((value) => value === 'completed')
        ? 'completed'
        : states.includes('active') || states.includes('completed')
          ? 'active'
          : states.includes('delayed')
            ? 'delayed'
            : 'waiting';
  const finished = jobs.map((job) => job.finishedOn ?? 0);
  return {
    id,
    state,
    accepted: jobs.reduce((sum, job) => sum + (Array.isArray(job.data.statements) ? job.data.statements.length : 0), 0),
    attemptsMade: Math.max(...jobs.map((job) => job.attemptsMade)),
    createdAt: new Date(Math.min(...jobs.map((job) => job.timestamp))).toISOString(),
    finishedAt: state === 'completed' || state === 'failed' ? new Date(Math.max(...finished)).toISOString() : null,
    error: failedIndex >= 0 ? { code: 'jobs.failed', message: jobs[failedIndex].failedReason ?? 'failed' } : null,
    result: state === 'completed' ? mergeResults(jobs.map((job) => job.returnvalue as JobReport['result'])) : null,
  };
}

function mergeResults(parts: Array<JobReport['result']>): JobReport['result'] {
  if (parts.length === 1) return parts[0];
  if (parts.every((part) => part !== null && 'results' in part)) {
    const total = emptyResult();
    for (const part of parts) addResult(total, part as ResolutionResult);
    return total;
  }
  const counts = emptyCounts();
  for (const part of parts) if (part) addCounts(counts, part.counts);
  return { counts };
}
