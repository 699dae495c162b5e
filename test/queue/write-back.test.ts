// Learning Locker statement write-back on the embedded store: bulk stamping of a job's statements, back-fill of
// older statements through the index it creates (bounded steps, resumable after a crash, rate-limited), persona
// re-stamp, organisation isolation, and the lag metric from the real Redis.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import type { Job } from 'bullmq';
import { Registry } from 'prom-client';
import { COLLECTIONS, type Ifi } from '../../src/domain/model.ts';
import type { ResolutionResult } from '../../src/core/resolution-result.ts';
import { createBackfillProcessor, type BackfillJobData } from '../../src/features/write-back/statement-backfill.ts';
import { createBackfillQueue, enqueueBackfills, registerBackfillMetrics } from '../../src/queue/backfill-queue.ts';
import { stampStatements } from '../../src/features/write-back/statement-stamping.ts';
import { ensureWriteBackIndexes } from '../../src/features/write-back/write-back-indexes.ts';
import type { Collection, Store } from '../../src/store/port.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';
import { deletePrefix, REDIS_URL, uniquePrefix } from './queue-support.ts';

const org = new ObjectId();
const otherOrg = new ObjectId();

function llStatement(organisation: ObjectId, actor: Record<string, unknown>, id = new ObjectId().toHexString()) {
  return { _id: new ObjectId(), organisation, lrs_id: new ObjectId(), statement: { id, actor, verb: { id: 'http://x/v' } } };
}

/** A fake BullMQ job: the processor only reads `data` and calls `updateData`. */
function fakeJob(data: BackfillJobData, onUpdate: (data: BackfillJobData) => void = () => {}): Job<BackfillJobData> {
  const job = {
    data,
    async updateData(next: BackfillJobData) {
      job.data = next;
      onUpdate(next);
    },
  };
  return job as unknown as Job<BackfillJobData>;
}

describe('Learning Locker statement write-back', () => {
  let temp: TempStore;
  let store: Store;
  let statements: Collection;
  const ann = { personaId: new ObjectId(), identifierId: new ObjectId(), ifi: { key: 'mbox', value: 'mailto:ann@example.org' } as Ifi };

  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
    store = temp.store;
    statements = store.collection('statements');
    await ensureWriteBackIndexes(statements);
    const now = new Date();
    await store
      .collection(COLLECTIONS.personas)
      .insertOne({ _id: ann.personaId, organisation: org, name: 'Ann', createdAt: now, updatedAt: now });
    await store.collection(COLLECTIONS.identifiers).insertOne({
      _id: ann.identifierId,
      organisation: org,
      persona: ann.personaId,
      ifi: ann.ifi,
      canonicalKey: 'mbox|mailto:ann@example.org',
      createdAt: now,
      updatedAt: now,
    });
  });

  afterEach(async () => {
    await temp.close();
  });

  it("stamps a job's statements with the actor's identifier and person, in its organisation only", async () => {
    const mine = llStatement(org, { mbox: 'mailto:ann@example.org' }, 'stmt-1');
    const theirs = llStatement(otherOrg, { mbox: 'mailto:ann@example.org' }, 'stmt-1');
    const untouched = llStatement(org, { mbox: 'mailto:bob@example.org' }, 'stmt-2');
    await statements.insertMany([mine, theirs, untouched]);
    const result: ResolutionResult = {
      counts: { resolved: 1, rejected: 0, personasCreated: 0, identifiersCreated: 1 },
      createdPersonaIds: [],
      results: [
        {
          statementId: 'stmt-1',
          status: 'resolved',
          error: null,
          agents: [
            {
              role: 'actor',
              path: 'actor',
              ifi: ann.ifi,
              identifierId: ann.identifierId.toHexString(),
              personaId: ann.personaId.toHexString(),
              created: true,
            },
          ],
        },
      ],
    };
    const outcome = await stampStatements(store, statements, org, result);
    expect(outcome.stamped).to.equal(1);
    expect(outcome.newIdentifiers.map((agent) => agent.identifierId)).to.deep.equal([ann.identifierId.toHexString()]);
    const stamped = await statements.findOne({ _id: mine._id });
    expect(stamped!.personaIdentifier.toHexString()).to.equal(ann.identifierId.toHexString());
    expect(stamped!.person._id.toHexString()).to.equal(ann.personaId.toHexString());
    expect(stamped!.person.display).to.equal('Ann');
    expect((await statements.findOne({ _id: theirs._id }))!.person).to.equal(undefined);
    expect((await statements.findOne({ _id: untouched._id }))!.person).to.equal(undefined);
  });

  it('back-fills every older statement of a new identifier through its index, in bounded steps, and no others', async () => {
    const older = Array.from({ length: 250 }, () => llStatement(org, { mbox: 'mailto:ann@example.org' }));
    const others = [llStatement(org, { mbox: 'mailto:bob@example.org' }), llStatement(otherOrg, { mbox: 'mailto:ann@example.org' })];
    await statements.insertMany([...older, ...others]);
    const plan = await statements.explain(
      { organisation: org, 'statement.actor.mbox': 'mailto:ann@example.org', _id: { $gt: older[10]._id } },
      { sort: { _id: 1 }, limit: 100 },
    );
    expect(plan.indexName).to.equal('persona_bf_mbox');
    const steps: string[] = [];
    const processor = createBackfillProcessor({ store, statements, batchSize: 100, ratePerSecond: 1e9 });
    const outcome = await processor(
      fakeJob(
        {
          kind: 'identifier',
          organisation: org.toHexString(),
          identifierId: ann.identifierId.toHexString(),
          personaId: ann.personaId.toHexString(),
          ifi: ann.ifi,
        },
        (data) => steps.push(data.after!),
      ),
    );
    expect(outcome.stamped).to.equal(250);
    expect(steps).to.have.length(3);
    expect(await statements.countDocuments({ organisation: org, personaIdentifier: ann.identifierId })).to.equal(250);
    for (const other of others) expect((await statements.findOne({ _id: other._id }))!.personaIdentifier).to.equal(undefined);
  });

  it('a back-fill that crashed resumes after the last statement it stamped', async () => {
    await statements.insertMany(Array.from({ length: 300 }, () => llStatement(org, { mbox: 'mailto:ann@example.org' })));
    const data: BackfillJobData = {
      kind: 'identifier',
      organisation: org.toHexString(),
      identifierId: ann.identifierId.toHexString(),
      personaId: ann.personaId.toHexString(),
      ifi: ann.ifi,
    };
    let saved: BackfillJobData = data;
    const crashing = createBackfillProcessor({ store, statements, batchSize: 100, ratePerSecond: 1e9 });
    let updates = 0;
    const crash = await crashing(
      fakeJob(data, (next) => {
        saved = next;
        updates += 1;
        if (updates === 2) throw new Error('worker died');
      }),
    ).then(
      () => null,
      (error: Error) => error,
    );
    expect(crash?.message).to.equal('worker died');
    expect(saved.stamped).to.equal(200);
    const reads: unknown[] = [];
    const spying = new Proxy(statements, {
      get(target, property, receiver) {
        if (property !== 'find') return Reflect.get(target, property, receiver);
        return (filter: unknown, options: unknown) => {
          reads.push(filter);
          return target.find(filter as never, options as never);
        };
      },
    });
    const resumed = await createBackfillProcessor({ store, statements: spying, batchSize: 100, ratePerSecond: 1e9 })(fakeJob(saved));
    expect(resumed.stamped).to.equal(300);
    expect(JSON.stringify(reads[0])).to.include(saved.after!);
    expect(await statements.countDocuments({ organisation: org, personaIdentifier: ann.identifierId })).to.equal(300);
  });

  it('paces itself to the configured rate between steps', async () => {
    await statements.insertMany(Array.from({ length: 300 }, () => llStatement(org, { mbox: 'mailto:ann@example.org' })));
    const pauses: number[] = [];
    const processor = createBackfillProcessor({
      store,
      statements,
      batchSize: 100,
      ratePerSecond: 200,
      sleep: async (ms) => {
        pauses.push(ms);
      },
    });
    await processor(
      fakeJob({
        kind: 'identifier',
        organisation: org.toHexString(),
        identifierId: ann.identifierId.toHexString(),
        personaId: ann.personaId.toHexString(),
        ifi: ann.ifi,
      }),
    );
    // Three full steps of 100 at 200/s: a pause of up to 500 ms after each full step (less the step's own time).
    expect(pauses).to.have.length(3);
    for (const pause of pauses) expect(pause).to.be.greaterThan(0).and.at.most(500);
  });

  it('re-stamps statements of a merged persona with the target and its name', async () => {
    const target = new ObjectId();
    await store
      .collection(COLLECTIONS.personas)
      .insertOne({ _id: target, organisation: org, name: 'Ann B.', createdAt: new Date(), updatedAt: new Date() });
    const stamped = Array.from({ length: 5 }, () => ({
      ...llStatement(org, { mbox: 'mailto:ann@example.org' }),
      person: { _id: ann.personaId, display: 'Ann' },
    }));
    await statements.insertMany(stamped);
    const outcome = await createBackfillProcessor({ store, statements, batchSize: 2, ratePerSecond: 1e9 })(
      fakeJob({
        kind: 'persona',
        organisation: org.toHexString(),
        fromId: ann.personaId.toHexString(),
        toId: target.toHexString(),
      }),
    );
    expect(outcome.stamped).to.equal(5);
    const after = await statements.find({ organisation: org, 'person._id': target });
    expect(after.map((statement) => statement.person.display)).to.deep.equal(Array(5).fill('Ann B.'));
  });

  it("a persona re-stamp step reads only the statements after the last one it stamped (not all of the persona's)", async () => {
    const target = new ObjectId();
    await store
      .collection(COLLECTIONS.personas)
      .insertOne({ _id: target, organisation: org, name: 'Ann B.', createdAt: new Date(), updatedAt: new Date() });
    await statements.insertMany(
      Array.from({ length: 300 }, () => ({
        ...llStatement(org, { mbox: 'mailto:ann@example.org' }),
        person: { _id: ann.personaId, display: 'Ann' },
      })),
    );
    const steps: Array<{ filter: unknown; options: unknown }> = [];
    const recording = new Proxy(statements, {
      get(collection, property, receiver) {
        if (property !== 'find') return Reflect.get(collection, property, receiver);
        return (filter: never, options: never) => {
          steps.push({ filter, options });
          return collection.find(filter, options);
        };
      },
    });
    // A rename re-stamps the persona onto itself, so every step matches the same person._id again.
    const outcome = await createBackfillProcessor({ store, statements: recording, batchSize: 50, ratePerSecond: 1e9 })(
      fakeJob({
        kind: 'persona',
        organisation: org.toHexString(),
        fromId: ann.personaId.toHexString(),
        toId: ann.personaId.toHexString(),
      }),
    );
    expect(outcome.stamped).to.equal(300);
    const last = steps[steps.length - 2];
    const plan = await statements.explain(last.filter as never, last.options as never);
    expect(plan.indexName).to.equal('persona_bf_person');
    expect(plan.sortedByIndex).to.equal(true);
    expect(plan.docsExamined).to.be.at.most(50);
  });

  it('reports pending back-fills and the age of the oldest as the write-back lag', async () => {
    const prefix = uniquePrefix();
    const queue = createBackfillQueue({ redisUrl: REDIS_URL, prefix, queueName: 'persona-statements' });
    try {
      const registry = new Registry();
      registerBackfillMetrics(registry, queue);
      expect(await registry.metrics()).to.match(/persona_writeback_lag_seconds 0\n/);
      const job: BackfillJobData = {
        kind: 'identifier',
        organisation: org.toHexString(),
        identifierId: ann.identifierId.toHexString(),
        personaId: ann.personaId.toHexString(),
        ifi: ann.ifi,
      };
      await enqueueBackfills(queue, [job, job]);
      const text = await registry.metrics();
      expect(text).to.match(/persona_writeback_backfill_pending 1\n/);
      const [oldest] = await queue.getWaiting();
      expect(oldest.id).to.equal(`identifier-${org.toHexString()}-${ann.identifierId.toHexString()}`);
      // A back-fill queued a minute ago (and still pending) is a lag of at least a minute.
      await queue.add(
        'identifier',
        { ...job, identifierId: new ObjectId().toHexString() },
        { timestamp: Date.now() - 60_000, delay: 10_000 },
      );
      const lagged = await registry.metrics();
      expect(lagged).to.match(/persona_writeback_backfill_pending 2\n/);
      expect(Number(/^persona_writeback_lag_seconds (\S+)$/m.exec(lagged)?.[1]), lagged).to.be.within(60, 120);
    } finally {
      await queue.close();
      await deletePrefix(prefix);
    }
  });
});
