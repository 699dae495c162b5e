// Queue start-up as the API process does it: off for QUEUE=inline, off with one log line when Redis is unreachable
// in auto mode, a clear start-up failure for QUEUE=bullmq without Redis, and pipeline metrics when it is on.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config.ts';
import { QueueUnavailableError } from '../../src/queue/redis-connection.ts';
import { startQueueRuntime } from '../../src/queue/queue-runtime.ts';
import { createMetricsRecorder } from '../../src/queue/queue-metrics.ts';
import { conventionProblems, parseExposition, promtoolCheck } from '../support/prometheus-exposition.ts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { bullConnection } from '../../src/queue/redis-connection.ts';
import { closedPort, deletePrefix, REDIS_URL, uniquePrefix } from './queue-support.ts';

function recordingLogger() {
  const lines: Array<{ level: string; message?: string }> = [];
  return {
    lines,
    info: (_: object, message?: string) => {
      lines.push({ level: 'info', message });
    },
    warn: (_: object, message?: string) => {
      lines.push({ level: 'warn', message });
    },
  };
}

describe('queue start-up', () => {
  it('QUEUE=inline keeps the queue off without touching Redis', async () => {
    const logger = recordingLogger();
    const runtime = await startQueueRuntime(loadConfig({ QUEUE: 'inline', REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }), logger);
    expect(runtime).to.equal(null);
    expect(logger.lines).to.have.length(1);
    expect(logger.lines[0].message).to.match(/queue off .*resolve inline/);
  });

  it('QUEUE=auto with Redis unreachable starts with the queue off and says so once', async () => {
    const logger = recordingLogger();
    const port = await closedPort();
    const runtime = await startQueueRuntime(loadConfig({ QUEUE: 'auto', REDIS_URL: `redis://127.0.0.1:${port}` }), logger);
    expect(runtime).to.equal(null);
    expect(logger.lines.filter((line) => line.level === 'warn')).to.have.length(1);
    expect(logger.lines[0].message).to.match(new RegExp(`queue off: Redis at redis://127.0.0.1:${port}/? is unreachable.*resolve inline`));
  });

  it('QUEUE=bullmq with Redis unreachable fails start-up with a message saying what to do', async () => {
    const port = await closedPort();
    const error = await startQueueRuntime(
      loadConfig({ QUEUE: 'bullmq', REDIS_URL: `redis://user:hunter22@127.0.0.1:${port}` }),
      recordingLogger(),
    ).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(QueueUnavailableError);
    const message = (error as Error).message;
    expect(message).to.match(new RegExp(`^QUEUE=bullmq but Redis at redis://user:\\*\\*\\*@127.0.0.1:${port}/? is unreachable`));
    expect(message).to.include('set QUEUE=auto');
    expect(message).not.to.include('hunter22');
  });

  it('with Redis reachable the queue is on, answers /ready pings and reports pipeline metrics (for /metrics/cluster)', async () => {
    const prefix = uniquePrefix();
    const logger = recordingLogger();
    const runtime = await startQueueRuntime(loadConfig({ QUEUE: 'auto', REDIS_URL, QUEUE_PREFIX: prefix }), logger);
    expect(runtime).not.to.equal(null);
    const redis = new Redis(REDIS_URL);
    try {
      await runtime!.ping();
      await runtime!.statements.enqueue(new ObjectId().toHexString(), [{ id: 'a' }, { id: 'b' }]);
      const recorder = createMetricsRecorder(redis, prefix, 'persona-statements');
      await recorder.recordCompleted({ resolved: 7, rejected: 1, personasCreated: 2, identifiersCreated: 3 }, 40);
      await recorder.recordCompleted({ resolved: 3, rejected: 0, personasCreated: 0, identifiersCreated: 0 }, 1000);
      await recorder.recordFailed();
      const registry = new Registry();
      runtime!.registerMetrics(registry);
      const text = await registry.metrics();
      expect(text).to.match(/persona_queue_jobs\{state="waiting"\} 1/);
      expect(text).to.match(/persona_queue_jobs_completed_total 2\n/);
      expect(text).to.match(/persona_queue_jobs_failed_total 1/);
      expect(text).to.match(/persona_statements_resolved_total 10/);
      expect(text).to.match(/persona_identifiers_created_total 3/);
      // Issue 11: a histogram over all workers (0.04 s and 1 s), not gauges with a quantile label; a clean exposition.
      expect(text).to.match(/persona_queue_job_latency_seconds_bucket\{le="0.05"\} 1\n/);
      expect(text).to.match(/persona_queue_job_latency_seconds_bucket\{le="1"\} 2\n/);
      expect(text).to.match(/persona_queue_job_latency_seconds_bucket\{le="\+Inf"\} 2\n/);
      expect(text).to.match(/persona_queue_job_latency_seconds_sum 1.04\n/);
      expect(text).to.match(/persona_queue_job_latency_seconds_count 2\n/);
      const families = parseExposition(text);
      expect(conventionProblems(families)).to.deep.equal([]);
      expect(families.find((family) => family.name === 'persona_queue_jobs_completed_total')?.type).to.equal('COUNTER');
      const verdict = promtoolCheck(text);
      if (verdict) expect(verdict.status, verdict.output).to.equal(0);
    } finally {
      redis.disconnect();
      await runtime!.close();
      await deletePrefix(prefix);
    }
  });

  it('offers persona re-stamps only with write-back on, each one queued as its own background job', async () => {
    const prefix = uniquePrefix();
    const off = await startQueueRuntime(loadConfig({ QUEUE: 'auto', REDIS_URL, QUEUE_PREFIX: prefix }), recordingLogger());
    const on = await startQueueRuntime(
      loadConfig({ QUEUE: 'auto', REDIS_URL, QUEUE_PREFIX: prefix, WRITE_BACK_STATEMENTS: 'true' }),
      recordingLogger(),
    );
    const backfills = new Queue('persona-statements-backfill', { connection: bullConnection(REDIS_URL), prefix });
    try {
      expect(off!.restampPersona).to.equal(null);
      const [organisation, persona] = [new ObjectId().toHexString(), new ObjectId().toHexString()];
      await on!.restampPersona!(organisation, persona, persona);
      await on!.restampPersona!(organisation, persona, persona);
      const waiting = await backfills.getWaiting();
      expect(waiting.map((job) => job.data)).to.deep.equal([
        { kind: 'persona', organisation, fromId: persona, toId: persona },
        { kind: 'persona', organisation, fromId: persona, toId: persona },
      ]);
    } finally {
      await backfills.close();
      await off!.close();
      await on!.close();
      await deletePrefix(prefix);
    }
  });
});
