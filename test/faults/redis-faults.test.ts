// Redis faults with real processes: the API and a worker use a redis-server of the test's own, which is killed with
// SIGKILL, left down while statements are posted, and started again. Every POST answers at once either 202 (then
// the statements are resolved eventually) or 503 queue.unavailable with Retry-After; nothing hangs, nothing is a 500,
// and the same API and worker processes go on once Redis is back, without a restart.
import { join } from 'node:path';
import { expect } from 'chai';
import { uniquePrefix, waitFor } from '../queue/queue-support.ts';
import { spawnWorker, stopWorker } from '../queue/worker-process-support.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir } from '../support/temp-store.ts';
import { ownRedis } from './support/own-redis.ts';
import { callApi, kill9, startApi, type ApiProcess } from './support/service-process.ts';

/** How long Redis stays down (the 30 s behind CHAOS_LONG=1). */
const OUTAGE_MS = process.env.CHAOS_LONG === '1' ? 30_000 : 8_000;

const statementsBy = (label: string) =>
  Array.from({ length: 10 }, (_, position) => statementBy(agents.mbox(`${label}-${position}@example.org`)));

async function post(api: ApiProcess, label: string): Promise<{ status: number; retryAfter: string | null; code?: string; jobId?: string }> {
  const answer = await callApi(api, 'POST', '/v1/statements', statementsBy(label));
  return {
    status: answer.status,
    retryAfter: answer.headers.get('retry-after'),
    code: answer.body?.error?.code,
    jobId: answer.body?.jobId,
  };
}

describe('faults: Redis killed, down and restarted while statements are posted', function () {
  this.timeout(600_000);

  it('answers 202 or 503 with Retry-After while Redis is down, resolves everything it accepted, and recovers without a restart', async () => {
    const root = makeTempDir('persona-redis-faults-');
    const redis = await ownRedis(root, { aof: true });
    await redis.start();
    const env = {
      DATA_DIR: join(root, 'data'),
      QUEUE: 'bullmq',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix(),
      API_WORKER_CONCURRENCY: '0',
      QUEUE_BACKOFF_MS: '200',
    };
    const api = await startApi(env.DATA_DIR, env);
    const worker = await spawnWorker(env, 180_000);
    try {
      const accepted: Array<{ label: string; jobId: string }> = [];
      const before = await post(api, 'before');
      expect(before.status).to.equal(202);
      accepted.push({ label: 'before', jobId: before.jobId! });

      await redis.kill9();
      const answers: Array<Awaited<ReturnType<typeof post>>> = [];
      const outageEnds = Date.now() + OUTAGE_MS;
      for (let attempt = 0; Date.now() < outageEnds; attempt += 1) {
        const answer = await post(api, `down-${attempt}`);
        answers.push(answer);
        if (answer.status === 202) accepted.push({ label: `down-${attempt}`, jobId: answer.jobId! });
      }
      expect(answers.length).to.be.greaterThan(0);
      for (const answer of answers) {
        expect([202, 503], JSON.stringify(answer)).to.include(answer.status);
        if (answer.status === 503) expect(answer).to.include({ code: 'queue.unavailable', retryAfter: '5' });
      }
      expect(answers.some((answer) => answer.status === 503)).to.equal(true);

      await redis.start();
      // The same processes take statements again once Redis is back.
      const after = await waitFor(
        'a 202 after Redis restarted',
        async () => {
          const answer = await post(api, `after-${Date.now()}`);
          return answer.status === 202 ? answer : null;
        },
        60_000,
      );
      accepted.push({ label: 'after', jobId: after.jobId! });
      for (const { jobId } of accepted) {
        await waitFor(
          `job ${jobId} completed`,
          async () => (await callApi(api, 'GET', `/v1/jobs/${jobId}`)).body?.state === 'completed',
          180_000,
        );
      }
      const found = await callApi(api, 'GET', `/v1/personas/by-identifier?mbox=${encodeURIComponent('mailto:before-0@example.org')}`);
      expect(found.status).to.equal(200);
      expect(api.child.exitCode).to.equal(null);
      expect(worker.child.exitCode).to.equal(null);
      console.log(
        `      Redis down ${OUTAGE_MS / 1000} s: ${answers.length} posts, ${answers.filter((answer) => answer.status === 503).length} answered 503, ${accepted.length} accepted jobs all completed`,
      );
    } finally {
      await kill9(api);
      await stopWorker(worker);
      await redis.kill9();
    }
  });
});
