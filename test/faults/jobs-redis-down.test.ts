// GET /v1/jobs/{id} while Redis is down, with real processes: the API uses a redis-server of the test's own, which is
// killed with SIGKILL. BullMQ keeps a command for a dead Redis in its offline queue for ever, so without a bound the
// lookup would hang until Redis came back; it answers 503 queue.unavailable with Retry-After instead, and answers the
// job again once Redis is back (the same process, no restart).
import { join } from 'node:path';
import { expect } from 'chai';
import { uniquePrefix, waitFor } from '../queue/queue-support.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir } from '../support/temp-store.ts';
import { ownRedis } from './support/own-redis.ts';
import { kill9, startApi } from './support/service-process.ts';

/** Far past the lookup's bound (5 s): no answer by then means the request hangs. */
const HANG_GUARD_MS = 60_000;

describe('faults: GET /v1/jobs/{id} while Redis is down', function () {
  this.timeout(180_000);

  it('answers 503 queue.unavailable with Retry-After instead of hanging, and the job again once Redis is back', async () => {
    const root = makeTempDir('persona-jobs-redis-down-');
    const redis = await ownRedis(root, { aof: true });
    await redis.start();
    const dataDir = join(root, 'data');
    // No worker: the job stays waiting, so the lookups below read a job that exists.
    const api = await startApi(dataDir, {
      QUEUE: 'bullmq',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix(),
      API_WORKER_CONCURRENCY: '0',
    });
    const getJob = async (jobId: string) => {
      const response = await fetch(`${api.url}/v1/jobs/${jobId}`, {
        headers: { authorization: api.authorization },
        signal: AbortSignal.timeout(HANG_GUARD_MS),
      }).catch((error: Error) => {
        throw new Error(`GET /v1/jobs/${jobId}: no answer within ${HANG_GUARD_MS} ms (${error.message})`);
      });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
    };
    try {
      const posted = await fetch(`${api.url}/v1/statements`, {
        method: 'POST',
        headers: { authorization: api.authorization, 'content-type': 'application/json' },
        body: JSON.stringify([statementBy(agents.mbox('waiting@example.org'))]),
      });
      expect(posted.status).to.equal(202);
      const { jobId } = (await posted.json()) as { jobId: string };
      expect((await getJob(jobId)).body).to.include({ id: jobId, state: 'waiting' });

      await redis.kill9();
      const down = await getJob(jobId);
      expect(down.status, JSON.stringify(down.body)).to.equal(503);
      expect(down.body.error.code).to.equal('queue.unavailable');
      expect(down.retryAfter).to.equal('5');
      // A second lookup is bounded the same way (nothing piles up behind the first).
      expect((await getJob(jobId)).status).to.equal(503);

      await redis.start();
      const back = await waitFor(
        'the job answered again after Redis restarted',
        async () => {
          const answer = await getJob(jobId);
          return answer.status === 200 ? answer : null;
        },
        60_000,
      );
      expect(back.body).to.include({ id: jobId, state: 'waiting' });
      expect(api.child.exitCode).to.equal(null);
    } finally {
      await kill9(api);
      await redis.kill9();
    }
  });
});
