// End to end with real processes: the Redis queue, `npm run worker` processes and one store shared by them (an
// embedded data directory, or a MongoDB database when MONGODB_URL is set). Two workers on overlapping identifiers produce exactly one identifier and one persona per learner; a worker
// killed with SIGKILL mid-job loses nothing and duplicates nothing; SIGTERM lets the running job finish.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { statementAt, type CorpusOptions } from '../../bench/corpus.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { canonicalIdentifierKey, toStoredIfi } from '../../src/domain/xapi/index.ts';
import type { ResolutionCounts } from '../../src/core/resolution-result.ts';
import { createStatementQueue, type StatementQueue } from '../../src/queue/statement-queue.ts';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';
import { spawnWorker, stopWorker, type WorkerChild } from './worker-process-support.ts';
import { rmSync } from 'node:fs';

describe('worker processes (real Redis, shared store)', function () {
  this.timeout(120_000);
  let prefix: string;
  let dataDir: string;
  let shared: ProcessStore;
  let queue: StatementQueue;
  let workers: WorkerChild[];
  const organisation = new ObjectId();

  beforeEach(() => {
    prefix = uniquePrefix();
    dataDir = makeTempDir('persona-queue-');
    shared = processStoreFor(dataDir);
    workers = [];
    queue = createStatementQueue({
      redisUrl: REDIS_URL,
      queueName: 'persona-statements',
      prefix,
      batchSize: 10_000,
      attempts: 5,
      backoffMs: 50,
      keepCompleted: 10_000,
      keepCompletedSeconds: 3600,
    });
  });

  afterEach(async () => {
    await Promise.all(workers.map(stopWorker));
    await queue.close();
    await deletePrefix(prefix);
    await shared.discard();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const workerEnv = (extra: Record<string, string> = {}) => ({ ...shared.env, QUEUE_PREFIX: prefix, JOB_RESULT: 'counts', ...extra });

  async function enqueueCorpus(corpus: CorpusOptions, jobSize: number): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < corpus.statements; start += jobSize) {
      const statements = Array.from({ length: Math.min(jobSize, corpus.statements - start) }, (_, offset) =>
        statementAt(start + offset, corpus),
      );
      ids.push((await queue.enqueue(organisation.toHexString(), statements)).jobId);
    }
    return ids;
  }

  async function allCompleted(jobIds: string[]): Promise<ResolutionCounts[]> {
    return waitFor(
      'every job to complete',
      async () => {
        const reports = await Promise.all(jobIds.map((id) => queue.getJobReport(id, organisation.toHexString())));
        const failed = reports.find((report) => report?.state === 'failed');
        if (failed) throw new Error(`job ${failed.id} failed: ${failed.error?.message}`);
        return reports.every((report) => report?.state === 'completed') ? reports.map((report) => report!.result!.counts) : null;
      },
      90_000,
    );
  }

  /** What the store holds, checked against the learners of the corpus: one identifier and one persona each. */
  async function expectOnePersonaPerLearner(corpus: CorpusOptions, counts: ResolutionCounts[], { crashed = false } = {}): Promise<void> {
    const expectedKeys = new Set<string>();
    for (let index = 0; index < corpus.statements; index += 1) {
      expectedKeys.add(canonicalIdentifierKey(toStoredIfi(statementAt(index, corpus).actor as Record<string, unknown>)));
    }
    const store = await shared.open();
    try {
      const identifiers = await store.collection(COLLECTIONS.identifiers).find({ organisation });
      const keys = identifiers.map((identifier) => identifier.canonicalKey as string);
      expect(new Set(keys).size, 'duplicate identifiers').to.equal(keys.length);
      expect(new Set(keys)).to.deep.equal(expectedKeys);
      const personas = await store.collection(COLLECTIONS.personas).find({ organisation });
      expect(personas).to.have.length(expectedKeys.size);
      const personaIds = new Set(personas.map((persona) => persona._id.toHexString()));
      expect(new Set(identifiers.map((identifier) => identifier.persona.toHexString()))).to.deep.equal(personaIds);
    } finally {
      await store.close();
    }
    const total = counts.reduce(
      (sum, part) => ({
        resolved: sum.resolved + part.resolved,
        identifiersCreated: sum.identifiersCreated + part.identifiersCreated,
        personasCreated: sum.personasCreated + part.personasCreated,
      }),
      { resolved: 0, identifiersCreated: 0, personasCreated: 0 },
    );
    expect(total.resolved).to.equal(corpus.statements);
    // Each identifier was created by exactly one job, whichever worker ran it. After a crash the killed attempt's
    // creations are not reported by anyone (its re-run finds them existing), so the reported sum can only be lower.
    if (crashed) expect(total.identifiersCreated).to.be.at.most(expectedKeys.size);
    else expect(total.identifiersCreated).to.equal(expectedKeys.size);
  }

  it('two worker processes on overlapping identifiers create exactly one identifier and one persona per learner', async () => {
    const corpus = { statements: 8000, learners: 600 };
    // A lock long enough that no job is taken for stalled on a busy machine, so each job runs exactly once here.
    const env = workerEnv({
      WORKER_CONCURRENCY: '2',
      RESOLVER_BATCH_SIZE: '50',
      WORKER_LOCK_MS: '30000',
      WORKER_STALLED_INTERVAL_MS: '15000',
    });
    workers.push(...(await Promise.all([spawnWorker(env), spawnWorker(env)])));
    const jobIds = await enqueueCorpus(corpus, 200);
    const counts = await allCompleted(jobIds);
    const processors = new Set(await Promise.all(jobIds.map(async (id) => (await queue.queue.getJob(id))!.processedBy)));
    expect(processors, 'both workers took jobs').to.deep.equal(new Set(workers.map((worker) => worker.name)));
    await expectOnePersonaPerLearner(corpus, counts);
  });

  it('a worker killed with SIGKILL mid-job loses nothing and duplicates nothing: the job is re-run by another', async () => {
    const corpus = { statements: 1200, learners: 1000 };
    const victim = await spawnWorker(workerEnv({ WORKER_CONCURRENCY: '1', RESOLVER_BATCH_SIZE: '20' }));
    workers.push(victim);
    const jobIds = await enqueueCorpus(corpus, 600);
    const first = await waitFor('the first job to be running', async () => {
      const job = await queue.queue.getJob(jobIds[0]);
      return job && (await job.getState()) === 'active' ? job : null;
    });
    // Kill it mid-job: once the running job has written some of its identifiers (the victim is the only worker).
    const observer = await shared.open();
    const identifiers = observer.collection(COLLECTIONS.identifiers);
    try {
      const writtenBeforeKill = await waitFor('the first identifiers of the job', async () => identifiers.countDocuments({ organisation }));
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).to.equal('SIGKILL');
      const writtenAtKill = await identifiers.countDocuments({ organisation });
      const firstJobKeys = new Set(
        Array.from({ length: 600 }, (_, index) =>
          canonicalIdentifierKey(toStoredIfi(statementAt(index, corpus).actor as Record<string, unknown>)),
        ),
      );
      expect(writtenAtKill, 'the job was interrupted part-way').to.be.within(writtenBeforeKill, firstJobKeys.size - 1);
    } finally {
      await observer.close();
    }
    expect(await first.getState(), 'the killed job is not finished').to.equal('active');

    const rescuer = await spawnWorker(workerEnv({ WORKER_CONCURRENCY: '1' }));
    workers.push(rescuer);
    const counts = await allCompleted(jobIds);
    expect((await queue.queue.getJob(jobIds[0]))!.processedBy).to.equal(rescuer.name);
    await expectOnePersonaPerLearner(corpus, counts, { crashed: true });
  });

  it('SIGTERM lets the running job finish before the worker exits', async () => {
    const corpus = { statements: 600, learners: 600 };
    const worker = await spawnWorker(workerEnv({ WORKER_CONCURRENCY: '1', RESOLVER_BATCH_SIZE: '20' }));
    workers.push(worker);
    const [jobId] = await enqueueCorpus(corpus, 600);
    await waitFor('the job to be running', async () =>
      (await queue.queue.getJob(jobId))?.getState().then((state) => state === 'active'),
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; state ${await queue.queue.getJob(jobId).then((job) => job?.getState())}\n${worker.output()}`);
    });
    worker.child.kill('SIGTERM');
    expect(await worker.exited).to.deep.equal({ code: 0, signal: null });
    const report = await queue.getJobReport(jobId, organisation.toHexString());
    expect(report!.state).to.equal('completed');
    expect(report!.result!.counts.resolved).to.equal(600);
  });
});
