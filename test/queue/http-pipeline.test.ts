// The pipeline through the real HTTP API: POST /v1/statements answers 202 with a job id when the queue is on, a
// worker process resolves the job, GET /v1/jobs/{id} reports it (for the caller's organisation only); ?wait=true
// still resolves inline; without Redis (QUEUE=auto) the service resolves inline; QUEUE=bullmq without Redis does not start.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { QueueUnavailableError } from '../../src/queue/redis-connection.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';
import { closedPort, deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';
import { spawnWorker, stopWorker, type WorkerChild } from './worker-process-support.ts';

interface Running {
  app: App;
  server: Server;
  base: string;
  token: string;
  organisation: ObjectId;
}

async function startApi(env: Record<string, string>): Promise<Running> {
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent', ...env }), { defaultMetrics: false });
  const organisation = new ObjectId();
  await app.store.collection(COLLECTIONS.organisations).insertOne({ _id: organisation, name: 'Queue test', createdAt: new Date() });
  const { token } = await app.services.clients.create({ organisation });
  const server = app.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { app, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token, organisation };
}

async function stopApi(running: Running): Promise<void> {
  await new Promise((resolve) => running.server.close(resolve));
  await running.app.close();
}

async function call(running: Running, method: string, path: string, body?: unknown, token = running.token) {
  const response = await fetch(`${running.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as any };
}

const statementsOf = (count: number) =>
  Array.from({ length: count }, (_, index) => statementBy(agents.mbox(`learner${index % 40}@example.org`)));

describe('statements over HTTP with the queue', function () {
  this.timeout(120_000);

  describe('queue on (QUEUE=bullmq), one worker process', () => {
    let prefix: string;
    let dataDir: string;
    let shared: ProcessStore;
    let api: Running;
    let worker: WorkerChild;

    before(async () => {
      prefix = uniquePrefix();
      dataDir = makeTempDir('persona-http-queue-');
      shared = processStoreFor(dataDir);
      api = await startApi({ ...shared.env, QUEUE: 'bullmq', REDIS_URL, QUEUE_PREFIX: prefix, QUEUE_BATCH_SIZE: '50' });
      worker = await spawnWorker({ ...shared.env, QUEUE_PREFIX: prefix, WORKER_CONCURRENCY: '2' });
    });

    after(async () => {
      await stopWorker(worker);
      await stopApi(api);
      await deletePrefix(prefix);
      await shared.discard();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers 202 with a job id; the job, split into batches, is resolved by the worker and reported', async () => {
      const statements = statementsOf(120);
      const accepted = await call(api, 'POST', '/v1/statements', statements);
      expect(accepted.status).to.equal(202);
      expect(accepted.body).to.deep.equal({ jobId: accepted.body.jobId, accepted: 120 });
      expect(accepted.body.jobId).to.match(/-3$/);
      const report = await waitFor('the job to complete', async () => {
        const answer = await call(api, 'GET', `/v1/jobs/${accepted.body.jobId}`);
        expect(answer.status).to.equal(200);
        return answer.body.state === 'completed' ? answer.body : null;
      });
      expect(report.result.counts).to.deep.equal({ resolved: 120, rejected: 0, personasCreated: 40, identifiersCreated: 40 });
      expect(report.result.results.map((entry: { statementId: string }) => entry.statementId)).to.deep.equal(
        statements.map((statement) => statement.id),
      );
      expect(await api.app.store.collection(COLLECTIONS.personas).countDocuments({ organisation: api.organisation })).to.equal(40);
    });

    it('?wait=true resolves inline even with the queue on', async () => {
      const answer = await call(
        api,
        'POST',
        '/v1/statements?wait=true',
        statementBy(agents.account('https://lms.example.org', 'inline-1')),
      );
      expect(answer.status).to.equal(200);
      expect(answer.body.counts).to.deep.equal({ resolved: 1, rejected: 0, personasCreated: 1, identifiersCreated: 1 });
    });

    it("a job is not found for another organisation's client, nor when it does not exist", async () => {
      const {
        body: { jobId },
      } = await call(api, 'POST', '/v1/statements', statementsOf(1));
      const other = new ObjectId();
      await api.app.store.collection(COLLECTIONS.organisations).insertOne({ _id: other, name: 'Other', createdAt: new Date() });
      const { token } = await api.app.services.clients.create({ organisation: other });
      const foreign = await call(api, 'GET', `/v1/jobs/${jobId}`, undefined, token);
      expect(foreign.status).to.equal(404);
      expect(foreign.body.error.code).to.equal('jobs.job_not_found');
      expect((await call(api, 'GET', '/v1/jobs/s000000000000000000000000')).status).to.equal(404);
    });

    it('reports queue depth and pipeline totals in /metrics/cluster (not the per-instance /metrics) and Redis in /ready', async () => {
      await waitFor('a completed job in the totals', async () => {
        const text = await (await fetch(`${api.base}/metrics/cluster`)).text();
        return /persona_queue_jobs_completed_total [1-9]/.test(text) ? text : null;
      });
      expect(await (await fetch(`${api.base}/metrics`)).text()).not.to.include('persona_queue_jobs');
      const text = await (await fetch(`${api.base}/metrics/cluster`)).text();
      expect(text).to.match(/persona_queue_jobs\{state="waiting"\} \d+/);
      expect(text).to.match(/persona_statements_resolved_total \d+/);
      expect((await fetch(`${api.base}/ready`)).status).to.equal(200);
    });
  });

  describe('queue off', () => {
    it('without Redis in auto mode the service starts and resolves inline; there are no jobs', async () => {
      const dataDir = makeTempDir('persona-http-inline-');
      const shared = processStoreFor(dataDir);
      const api = await startApi({ ...shared.env, QUEUE: 'auto', REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
      try {
        const answer = await call(api, 'POST', '/v1/statements', statementsOf(3));
        expect(answer.status).to.equal(200);
        expect(answer.body.counts.resolved).to.equal(3);
        const job = await call(api, 'GET', '/v1/jobs/s000000000000000000000000');
        expect(job.status).to.equal(404);
        expect(job.body.error.code).to.equal('jobs.queue_off');
        expect((await fetch(`${api.base}/ready`)).status).to.equal(200);
      } finally {
        await stopApi(api);
        await shared.discard();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('QUEUE=bullmq with Redis unreachable fails start-up with a clear message', async () => {
      const dataDir = makeTempDir('persona-http-nostart-');
      const shared = processStoreFor(dataDir);
      try {
        const port = await closedPort();
        const error = await createApp(
          loadConfig({ LOG_LEVEL: 'silent', ...shared.env, QUEUE: 'bullmq', REDIS_URL: `redis://127.0.0.1:${port}` }),
          { defaultMetrics: false },
        ).then(
          async (app) => {
            await app.close();
            return null;
          },
          (caught: unknown) => caught,
        );
        expect(error).to.be.instanceOf(QueueUnavailableError);
        expect((error as Error).message).to.match(new RegExp(`QUEUE=bullmq but Redis at redis://127.0.0.1:${port}/? is unreachable`));
      } finally {
        await shared.discard();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
