// Back-pressure under a flood, with real processes on loopback: the API (no worker of its own) takes statements
// while no worker runs, so the queue backs up past QUEUE_HIGH_WATER; then ?wait=true requests (resolved in the API,
// on the store) arrive more at once than STATEMENTS_MAX_PENDING. Both floods are answered 503 with Retry-After and a
// stable code (queue.backlog, store.busy) instead of being held, the API's resident memory stays within a bound
// (sampled from /proc while it is flooded), and once a worker starts, every job the API accepted is resolved.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { deletePrefix, uniquePrefix, waitFor } from '../queue/queue-support.ts';
import { spawnWorker, stopWorker } from '../queue/worker-process-support.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir } from '../support/temp-store.ts';
import { callApi, kill9, startApi, type ApiProcess } from './support/service-process.ts';

const HIGH_WATER = 10;
const MAX_PENDING = 4;
const REQUESTS = 300;
const CONCURRENCY = 40;
const STATEMENTS_PER_REQUEST = 50;
/** Resident memory the API may add while flooded: holding every request of a flood would cost several times this. */
const RSS_GROWTH_LIMIT_MB = 150;

interface Answer {
  status: number;
  code?: string;
  retryAfter: string | null;
  jobId?: string;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((text) => text.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** REQUESTS posts, CONCURRENCY at a time, sampling the API's RSS meanwhile: every answer and the highest RSS. */
async function flood(api: ApiProcess, path: string, label: string): Promise<{ answers: Answer[]; peakRssMb: number }> {
  let peakRssMb = rssMb(api.child.pid!);
  const sampler = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, rssMb(api.child.pid!));
  }, 50);
  const answers: Answer[] = [];
  let next = 0;
  const sender = async () => {
    for (let index = next++; index < REQUESTS; index = next++) {
      const statements = Array.from({ length: STATEMENTS_PER_REQUEST }, (_, position) =>
        statementBy(agents.mbox(`${label}-${index}-${position}@example.org`)),
      );
      const answer = await callApi(api, 'POST', path, statements);
      answers.push({
        status: answer.status,
        code: answer.body?.error?.code,
        retryAfter: answer.headers.get('retry-after'),
        jobId: answer.body?.jobId,
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  } finally {
    clearInterval(sampler);
  }
  return { answers, peakRssMb };
}

const tally = (answers: Answer[]) =>
  Object.fromEntries(
    [...new Set(answers.map((answer) => `${answer.status} ${answer.code ?? ''}`.trim()))].map((key) => [
      key,
      answers.filter((answer) => `${answer.status} ${answer.code ?? ''}`.trim() === key).length,
    ]),
  );

describe('faults: back-pressure when the queue or the store falls behind', function () {
  this.timeout(300_000);

  it('a flood is refused with 503 and Retry-After (queue.backlog, store.busy), memory stays bounded, and everything accepted is resolved', async () => {
    const root = makeTempDir('persona-back-pressure-');
    const prefix = uniquePrefix();
    const env = {
      DATA_DIR: join(root, 'data'),
      QUEUE: 'bullmq',
      QUEUE_PREFIX: prefix,
      API_WORKER_CONCURRENCY: '0',
      QUEUE_HIGH_WATER: String(HIGH_WATER),
      STATEMENTS_MAX_PENDING: String(MAX_PENDING),
    };
    const api = await startApi(env.DATA_DIR, env);
    let worker: Awaited<ReturnType<typeof spawnWorker>> | null = null;
    try {
      // Warm: the first requests load code and caches; the bound is on what the flood adds.
      expect((await callApi(api, 'POST', '/v1/statements?wait=true', [statementBy(agents.mbox('warm@example.org'))])).status).to.equal(200);
      const restingRssMb = rssMb(api.child.pid!);

      const queued = await flood(api, '/v1/statements', 'queued');
      const resolved = await flood(api, '/v1/statements?wait=true', 'inline');
      console.log(
        `      ${REQUESTS} queued posts: ${JSON.stringify(tally(queued.answers))}; ${REQUESTS} ?wait=true posts: ${JSON.stringify(tally(resolved.answers))}; API RSS ${restingRssMb.toFixed(0)} MB at rest, peak ${Math.max(queued.peakRssMb, resolved.peakRssMb).toFixed(0)} MB`,
      );

      for (const answer of queued.answers) {
        // Enqueueing takes a moment too, so more than MAX_PENDING of them at once are store.busy as well.
        expect(['202', '503 queue.backlog', '503 store.busy'], JSON.stringify(answer)).to.include(
          `${answer.status} ${answer.code ?? ''}`.trim(),
        );
        if (answer.status === 503) expect(answer.retryAfter).to.equal(answer.code === 'queue.backlog' ? '5' : '1');
      }
      expect(queued.answers.filter((answer) => answer.code === 'queue.backlog').length, 'queue.backlog refusals').to.be.greaterThan(0);
      for (const answer of resolved.answers) {
        expect(['200', '503 store.busy'], JSON.stringify(answer)).to.include(`${answer.status} ${answer.code ?? ''}`.trim());
        if (answer.status === 503) expect(answer.retryAfter).to.equal('1');
      }
      expect(
        resolved.answers.some((answer) => answer.status === 503),
        'store.busy refusals',
      ).to.equal(true);
      expect(Math.max(queued.peakRssMb, resolved.peakRssMb) - restingRssMb).to.be.below(RSS_GROWTH_LIMIT_MB);

      // A worker catches up: every accepted job completes, and its statements' learners exist.
      worker = await spawnWorker(env, 120_000);
      const accepted = queued.answers.filter((answer) => answer.status === 202);
      expect(accepted.length).to.be.greaterThan(0);
      for (const { jobId } of accepted) {
        await waitFor(
          `job ${jobId} completed`,
          async () => (await callApi(api, 'GET', `/v1/jobs/${jobId}`)).body?.state === 'completed',
          120_000,
        );
      }
      const count = await callApi(api, 'GET', '/v1/personas/count');
      const inlineAccepted = resolved.answers.filter((answer) => answer.status === 200).length;
      expect(count.body.count).to.equal(1 + (accepted.length + inlineAccepted) * STATEMENTS_PER_REQUEST);
    } finally {
      await kill9(api);
      if (worker) await stopWorker(worker);
      await deletePrefix(prefix);
    }
  });
});
