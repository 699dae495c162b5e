// The statements queue against the real Redis, with a stand-in resolver so the queue's own behaviour is isolated:
// enqueue → completed with the result document, batch splitting, retries with backoff, dead letter and re-drive,
// payload checks for jobs added by other BullMQ clients, and organisation scoping of job reports.
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { ObjectId } from 'bson';
import type { ResolutionResult } from '../../src/core/resolution-result.ts';
import { bullConnection } from '../../src/queue/redis-connection.ts';
import { createStatementQueue, type StatementQueue } from '../../src/queue/statement-queue.ts';
import { startStatementWorker, type StatementWorker } from '../../src/queue/statement-worker.ts';
import { retryFailedJobs, listFailedJobs } from '../../src/queue/dead-letters.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';

const silent = { info() {}, warn() {}, error() {} };

/** A resolver stand-in: one result per statement, statement ids echoed, counts of what it saw. */
function echoResolve(organisation: ObjectId, statements: unknown[]): Promise<ResolutionResult> {
  return Promise.resolve({
    results: statements.map((statement) => ({
      statementId: (statement as { id?: string }).id ?? null,
      status: 'resolved' as const,
      error: null,
      agents: [],
    })),
    counts: { resolved: statements.length, rejected: 0, personasCreated: organisation ? 0 : 1, identifiersCreated: 0 },
    createdPersonaIds: [],
  });
}

const statementsNumbered = (count: number) => Array.from({ length: count }, (_, index) => ({ id: `s-${index}` }));

describe('statements queue (real Redis)', () => {
  let prefix: string;
  let statementQueue: StatementQueue;
  let workers: StatementWorker[];
  const organisation = new ObjectId().toHexString();

  function openQueue(overrides: Partial<Parameters<typeof createStatementQueue>[0]> = {}): StatementQueue {
    statementQueue = createStatementQueue({
      redisUrl: REDIS_URL,
      queueName: 'persona-statements',
      prefix,
      batchSize: 1000,
      attempts: 3,
      backoffMs: 20,
      keepCompleted: 1000,
      keepCompletedSeconds: 3600,
      ...overrides,
    });
    return statementQueue;
  }

  function startWorker(resolveStatements: typeof echoResolve, jobResult: 'full' | 'counts' = 'full'): StatementWorker {
    const worker = startStatementWorker(
      {
        redisUrl: REDIS_URL,
        queueName: 'persona-statements',
        prefix,
        concurrency: 2,
        lockMs: 5000,
        stalledIntervalMs: 5000,
        maxStalled: 1,
        jobResult,
      },
      { resolveStatements, logger: silent },
    );
    workers.push(worker);
    return worker;
  }

  const finished = (jobId: string) =>
    waitFor(`job ${jobId} to finish`, async () => {
      const report = await statementQueue.getJobReport(jobId, organisation);
      return report && (report.state === 'completed' || report.state === 'failed') ? report : null;
    });

  beforeEach(() => {
    prefix = uniquePrefix();
    workers = [];
  });

  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await statementQueue?.close();
    await deletePrefix(prefix);
  });

  it('an enqueued array is resolved by a worker and its report carries the result document', async () => {
    openQueue();
    startWorker(echoResolve);
    const { jobId, accepted, jobIds } = await statementQueue.enqueue(organisation, statementsNumbered(3));
    expect(accepted).to.equal(3);
    expect(jobIds).to.deep.equal([jobId]);
    const report = await finished(jobId);
    expect(report.state).to.equal('completed');
    expect(report.accepted).to.equal(3);
    expect(report.result).to.deep.include({ counts: { resolved: 3, rejected: 0, personasCreated: 0, identifiersCreated: 0 } });
    expect((report.result as ResolutionResult).results.map((entry) => entry.statementId)).to.deep.equal(['s-0', 's-1', 's-2']);
  });

  it('a large array is split into jobs of the batch size and its report merges them in order', async () => {
    openQueue({ batchSize: 1000 });
    const seen: number[] = [];
    startWorker((org, statements) => {
      seen.push(statements.length);
      return echoResolve(org, statements);
    });
    const { jobId, jobIds, accepted } = await statementQueue.enqueue(organisation, statementsNumbered(2500));
    expect(accepted).to.equal(2500);
    expect(jobIds).to.have.length(3);
    const report = await finished(jobId);
    expect(report.state).to.equal('completed');
    expect(seen.sort((a, b) => a - b)).to.deep.equal([500, 1000, 1000]);
    const results = (report.result as ResolutionResult).results;
    expect(results).to.have.length(2500);
    expect(results.map((entry) => entry.statementId)).to.deep.equal(statementsNumbered(2500).map((statement) => statement.id));
    expect(report.result!.counts.resolved).to.equal(2500);
  });

  it('a transient store error is retried with backoff until the job succeeds', async () => {
    openQueue({ attempts: 4, backoffMs: 20 });
    let calls = 0;
    startWorker((org, statements) => {
      calls += 1;
      if (calls <= 2) return Promise.reject(Object.assign(new Error('connection reset by store'), { code: 'ECONNRESET' }));
      return echoResolve(org, statements);
    });
    const { jobId } = await statementQueue.enqueue(organisation, statementsNumbered(2));
    const report = await finished(jobId);
    expect(report.state).to.equal('completed');
    expect(calls).to.equal(3);
    expect(report.attemptsMade).to.equal(3);
  });

  it('a job that keeps failing lands in the dead-letter set and can be re-driven', async () => {
    openQueue({ attempts: 2, backoffMs: 10 });
    let healthy = false;
    startWorker((org, statements) => (healthy ? echoResolve(org, statements) : Promise.reject(new Error('store down'))));
    const { jobId } = await statementQueue.enqueue(organisation, statementsNumbered(1));
    const failed = await finished(jobId);
    expect(failed.state).to.equal('failed');
    expect(failed.error).to.deep.equal({ code: 'jobs.failed', message: 'store down' });
    const deadLetters = await listFailedJobs(statementQueue.queue, { limit: 10 });
    expect(deadLetters.map((entry) => entry.id)).to.deep.equal([jobId]);
    expect(deadLetters[0]).to.include({ organisation, statements: 1, attemptsMade: 2, failedReason: 'store down' });

    healthy = true;
    expect(await retryFailedJobs(statementQueue.queue, { ids: [jobId] })).to.deep.equal({ retried: [jobId], missing: [] });
    const report = await waitFor('re-driven job', async () => {
      const current = await statementQueue.getJobReport(jobId, organisation);
      return current?.state === 'completed' ? current : null;
    });
    expect(report.result!.counts.resolved).to.equal(1);
    expect(await listFailedJobs(statementQueue.queue, { limit: 10 })).to.deep.equal([]);
  });

  it('a job added by another BullMQ client with a bad payload is dead-lettered at once, naming the field', async () => {
    openQueue({ attempts: 5 });
    let calls = 0;
    startWorker((org, statements) => {
      calls += 1;
      return echoResolve(org, statements);
    });
    const raw = new Queue('persona-statements', { connection: bullConnection(REDIS_URL), prefix });
    try {
      const job = await raw.add('resolve', { organisation: 'acme', statements: [] }, { attempts: 5 });
      const state = await waitFor('bad job to fail', async () => ((await job.getState()) === 'failed' ? 'failed' : null));
      expect(state).to.equal('failed');
      const stored = await raw.getJob(job.id!);
      expect(stored!.attemptsMade).to.equal(1);
      expect(stored!.failedReason).to.match(/organisation: must be a 24-hex organisation id/);
      expect(stored!.failedReason).to.match(/statements: must hold at least one statement/);
      expect(calls).to.equal(0);
    } finally {
      await raw.close();
    }
  });

  it('a job added directly with the documented payload is resolved (the public queue interface)', async () => {
    openQueue();
    startWorker(echoResolve, 'counts');
    const raw = new Queue('persona-statements', { connection: bullConnection(REDIS_URL), prefix });
    try {
      const job = await raw.add('resolve', { organisation, statements: statementsNumbered(4) });
      const report = await finished(job.id!);
      expect(report.result).to.deep.equal({ counts: { resolved: 4, rejected: 0, personasCreated: 0, identifiersCreated: 0 } });
    } finally {
      await raw.close();
    }
  });

  it('a job added by another client without attempts is still retried (in the worker) after a transient error', async () => {
    openQueue();
    let calls = 0;
    const worker = startStatementWorker(
      {
        redisUrl: REDIS_URL,
        queueName: 'persona-statements',
        prefix,
        concurrency: 1,
        lockMs: 5000,
        stalledIntervalMs: 5000,
        maxStalled: 1,
        jobResult: 'counts',
        fallbackRetry: { attempts: 3, backoffMs: 10 },
      },
      {
        resolveStatements: (org, statements) => (++calls < 3 ? Promise.reject(new Error('store timeout')) : echoResolve(org, statements)),
        logger: silent,
      },
    );
    workers.push(worker);
    const raw = new Queue('persona-statements', { connection: bullConnection(REDIS_URL), prefix });
    try {
      const job = await raw.add('resolve', { organisation, statements: statementsNumbered(2) });
      const report = await finished(job.id!);
      expect(report.state).to.equal('completed');
      expect(calls).to.equal(3);
    } finally {
      await raw.close();
    }
  });

  it('a job report is not visible to another organisation', async () => {
    openQueue();
    const { jobId } = await statementQueue.enqueue(organisation, statementsNumbered(1));
    expect(await statementQueue.getJobReport(jobId, new ObjectId().toHexString())).to.equal(null);
    expect((await statementQueue.getJobReport(jobId, organisation))!.state).to.equal('waiting');
    expect(await statementQueue.getJobReport('s0123456789abcdef01234567-3', organisation)).to.equal(null);
  });
});
