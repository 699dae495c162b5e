// Two installations on one machine share one Redis (QUEUE=auto takes any local one): each store has an identity, the
// default queue prefix is derived from it, jobs name the store they were enqueued for, and a worker never resolves
// another store's job — even when an operator gives both installations the same QUEUE_PREFIX and QUEUE_NAME.
import { expect } from 'chai';
import { loadConfig, type Config } from '../../src/config.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { statementQueueOptions } from '../../src/queue/queue-runtime.ts';
import { createStatementQueue, type StatementQueue } from '../../src/queue/statement-queue.ts';
import { loadStoreId, withStoreQueuePrefix } from '../../src/queue/store-queue-prefix.ts';
import { startWorkerProcess, type WorkerProcess } from '../../src/wiring/worker-process.ts';
import { agents, statementBy } from '../support/statements.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';

const ORGANISATION = '0123456789abcdef01234567';
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

interface Installation {
  temp: TempStore;
  storeId: string;
  config: Config;
  worker: WorkerProcess | null;
  queue: StatementQueue;
}

async function install(env: Record<string, string>): Promise<Installation> {
  const temp = await openTempEmbeddedStore();
  const storeId = await loadStoreId(temp.store);
  const config = withStoreQueuePrefix(loadConfig({ REDIS_URL, QUEUE: 'bullmq', LOG_LEVEL: 'silent', ...env }), storeId);
  return { temp, storeId, config, worker: null, queue: createStatementQueue(statementQueueOptions(config, storeId)) };
}

const personasIn = (installation: Installation) => installation.temp.store.collection(COLLECTIONS.personas).countDocuments({});

async function finished(queue: StatementQueue, jobId: string): Promise<{ state: string; failedReason?: string }> {
  return waitFor(`job ${jobId} to finish`, async () => {
    const state = await queue.queue.getJobState(jobId);
    if (state !== 'completed' && state !== 'failed') return null;
    // Read after the state is final, so the failure reason is there.
    return { state, failedReason: (await queue.queue.getJob(jobId))?.failedReason };
  });
}

describe('store identity and queues shared by two installations', function () {
  this.timeout(120_000);
  const installations: Installation[] = [];
  const prefixes: string[] = [];
  afterEach(async () => {
    for (const installation of installations.splice(0)) {
      await installation.worker?.close();
      await installation.queue.close();
      await installation.temp.close();
      prefixes.push(installation.config.QUEUE_PREFIX);
    }
    for (const prefix of new Set(prefixes.splice(0))) await deletePrefix(prefix);
  });

  it('a store keeps one identity; without QUEUE_PREFIX each store gets its own prefix, and jobs reach only its workers', async () => {
    const a = await install({});
    const b = await install({});
    installations.push(a, b);
    expect(await loadStoreId(a.temp.store)).to.equal(a.storeId);
    expect(a.storeId).to.not.equal(b.storeId);
    expect(a.config.QUEUE_PREFIX).to.equal(`bull-${a.storeId}`);
    expect(b.config.QUEUE_PREFIX).to.not.equal(a.config.QUEUE_PREFIX);
    expect(a.config.QUEUE_NAME).to.equal(b.config.QUEUE_NAME);
    // B's worker runs first and alone: on a shared queue it would be the one to take A's job.
    b.worker = await startWorkerProcess(b.config, quiet, { store: b.temp.store, concurrency: 1 });
    const forA = await a.queue.enqueue(ORGANISATION, [statementBy(agents.mbox('only-a@example.org'))]);
    a.worker = await startWorkerProcess(a.config, quiet, { store: a.temp.store, concurrency: 1 });
    expect(await finished(a.queue, forA.jobIds[0])).to.include({ state: 'completed' });
    expect(await personasIn(a)).to.equal(1);
    expect(await personasIn(b)).to.equal(0);
  });

  it("with one QUEUE_PREFIX and QUEUE_NAME for both, a worker fails the other store's job instead of resolving it", async () => {
    const shared = { QUEUE_PREFIX: uniquePrefix(), QUEUE_NAME: 'shared-statements' };
    const a = await install(shared);
    const b = await install(shared);
    installations.push(a, b);
    b.worker = await startWorkerProcess(b.config, quiet, { store: b.temp.store, concurrency: 1 });

    const forA = await a.queue.enqueue(ORGANISATION, [statementBy(agents.mbox('meant-for-a@example.org'))]);
    const outcome = await finished(a.queue, forA.jobIds[0]);
    expect(outcome.state).to.equal('failed');
    expect(outcome.failedReason).to.include(`enqueued for store ${a.storeId}`).and.include(`into store ${b.storeId}`);
    expect(await personasIn(b)).to.equal(0);
    const forB = await b.queue.enqueue(ORGANISATION, [statementBy(agents.mbox('meant-for-b@example.org'))]);
    expect(await finished(b.queue, forB.jobIds[0])).to.include({ state: 'completed' });
    expect(await personasIn(b)).to.equal(1);
  });
});
