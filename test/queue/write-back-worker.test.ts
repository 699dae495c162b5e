// Write-back and events in a real worker process (WRITE_BACK_STATEMENTS=true on the shared store): the
// job's statements are stamped, older statements of the new learner are back-filled in the background, another
// organisation's statements are untouched, and the persona/identifier events appear on the events stream.
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { QueueEvents } from 'bullmq';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { eventsStreamName } from '../../src/queue/event-publisher.ts';
import { bullConnection } from '../../src/queue/redis-connection.ts';
import { createStatementQueue } from '../../src/queue/statement-queue.ts';
import { ensureIndexes } from '../../src/store/indexes.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir, processStoreFor } from '../support/temp-store.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';
import { spawnWorker, stopWorker } from './worker-process-support.ts';

describe('write-back and events in a worker process', function () {
  this.timeout(120_000);

  it('stamps the job, back-fills older statements of the new learner, and publishes the events', async () => {
    const prefix = uniquePrefix();
    const dataDir = makeTempDir('persona-writeback-');
    const organisation = new ObjectId();
    const otherOrganisation = new ObjectId();
    const shared = processStoreFor(dataDir);
    const observer = { store: await shared.open() };
    await ensureIndexes(observer.store);
    const queue = createStatementQueue({
      redisUrl: REDIS_URL,
      queueName: 'persona-statements',
      prefix,
      batchSize: 1000,
      attempts: 3,
      backoffMs: 100,
      keepCompleted: 100,
      keepCompletedSeconds: 600,
    });
    const heard: Array<{ eventName: string; data: string }> = [];
    const events = new QueueEvents(eventsStreamName('persona-statements'), {
      connection: bullConnection(REDIS_URL),
      prefix,
      lastEventId: '0-0',
    });
    for (const name of ['persona.created', 'identifier.created']) {
      events.on(name as 'error', (args: unknown) => {
        heard.push({ eventName: name, ...(args as { data: string }) });
      });
    }
    const worker = await spawnWorker({
      ...shared.env,
      QUEUE_PREFIX: prefix,
      WRITE_BACK_STATEMENTS: 'true',
      BACKFILL_BATCH_SIZE: '10',
      BACKFILL_RATE: '10000',
    });
    try {
      const ann = agents.mbox('ann@example.org', 'Ann');
      const llDocument = (org: ObjectId, statement: Record<string, unknown>) => ({
        _id: new ObjectId(),
        organisation: org,
        lrs_id: new ObjectId(),
        statement,
      });
      const older = Array.from({ length: 35 }, () => llDocument(organisation, statementBy(ann)));
      const elsewhere = llDocument(otherOrganisation, statementBy(ann));
      const incoming = [statementBy(ann), statementBy(ann)];
      const statements = observer.store.collection('statements');
      await statements.insertMany([...older, elsewhere, ...incoming.map((statement) => llDocument(organisation, statement))]);

      await queue.enqueue(organisation.toHexString(), incoming);
      const persona = await waitFor('the persona of Ann', () => observer.store.collection(COLLECTIONS.personas).findOne({ organisation }));
      await waitFor(
        'every statement of Ann stamped',
        async () => (await statements.countDocuments({ organisation, 'person._id': persona._id })) === older.length + incoming.length,
      );
      const identifier = await observer.store.collection(COLLECTIONS.identifiers).findOne({ organisation });
      const stamped = await statements.find({ organisation });
      for (const document of stamped) {
        expect(document.person).to.deep.equal({ _id: persona._id, display: 'Ann' });
        expect(document.personaIdentifier.toHexString()).to.equal(identifier!._id.toHexString());
      }
      expect((await statements.findOne({ _id: elsewhere._id }))!.person).to.equal(undefined);

      await waitFor('both events on the stream', async () => heard.length >= 2);
      expect(heard.map((event) => event.eventName).sort()).to.deep.equal(['identifier.created', 'persona.created']);
      expect(heard.map((event) => JSON.parse(event.data).personaId)).to.deep.equal([persona._id.toHexString(), persona._id.toHexString()]);
    } finally {
      await stopWorker(worker);
      await events.close();
      await queue.close();
      await observer.store.close();
      await deletePrefix(prefix);
      await shared.discard();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
