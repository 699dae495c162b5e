// QUEUE=auto with Redis answering: the API process consumes the queue itself, so `npm start` alone resolves every
// statement it accepts (no stranded jobs without a separate worker); QUEUE=bullmq leaves that to worker processes.
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';

async function startApi(env: Record<string, string>) {
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent', REDIS_URL, ...env }), { defaultMetrics: false });
  const organisation = new ObjectId();
  await app.store.collection(COLLECTIONS.organisations).insertOne({ _id: organisation, name: 'API worker test', createdAt: new Date() });
  const { token } = await app.services.clients.create({ organisation });
  const server = app.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const stop = async () => {
    await new Promise((resolve) => server.close(resolve));
    await app.close();
  };
  return { app, organisation, call, stop };
}

describe('the API process as its own queue worker', function () {
  this.timeout(120_000);
  let prefix: string;
  let dataDir: string;
  let shared: ProcessStore;
  beforeEach(() => {
    prefix = uniquePrefix();
    dataDir = makeTempDir('persona-api-worker-');
    shared = processStoreFor(dataDir);
  });
  afterEach(async () => {
    await deletePrefix(prefix);
    await shared.discard();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('QUEUE=auto: an accepted job is resolved by the API process itself', async () => {
    const api = await startApi({ ...shared.env, QUEUE: 'auto', QUEUE_PREFIX: prefix });
    try {
      const accepted = await api.call('POST', '/v1/statements', [
        statementBy(agents.mbox('ann@example.org')),
        statementBy(agents.openid('http://id.example.org/bo')),
      ]);
      expect(accepted.status).to.equal(202);
      const report = await waitFor('the job to complete', async () => {
        const answer = await api.call('GET', `/v1/jobs/${accepted.body.jobId}`);
        return answer.body.state === 'completed' ? answer.body : null;
      });
      expect(report.result.counts).to.deep.include({ resolved: 2, personasCreated: 2 });
      expect(await api.app.store.collection(COLLECTIONS.personas).countDocuments({ organisation: api.organisation })).to.equal(2);
    } finally {
      await api.stop();
    }
  });

  it('QUEUE=bullmq: the API only enqueues and leaves resolution to worker processes', async () => {
    const api = await startApi({ ...shared.env, QUEUE: 'bullmq', QUEUE_PREFIX: prefix });
    try {
      const accepted = await api.call('POST', '/v1/statements', statementBy(agents.mbox('cy@example.org')));
      expect(accepted.status).to.equal(202);
      const job = await api.call('GET', `/v1/jobs/${accepted.body.jobId}`);
      expect(job.body.state).to.be.oneOf(['waiting', 'prioritized', 'delayed']);
      expect(await api.app.store.collection(COLLECTIONS.personas).countDocuments({ organisation: api.organisation })).to.equal(0);
    } finally {
      await api.stop();
    }
  });
});
