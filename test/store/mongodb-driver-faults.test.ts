// The MongoDB adapter's reactions to server replies, through the real driver, against the in-process wire responder
// (test/support/wire-responder.ts). CLIENT SIDE ONLY: the responder scripts replies and stores nothing, so these tests
// say how the adapter treats what a server answers (a stepdown, a write-concern error, a dropped connection) and what
// it asks of the server, never how a server behaves. Server behaviour is the contract suite's, with MONGODB_URL.
import { expect } from 'chai';
import { Long, ObjectId, type Document } from 'bson';
import { loadConfig } from '../../src/config.ts';
import { openWriteBackStatements } from '../../src/wiring/write-back-target.ts';
import { openMongoStore } from '../../src/store/mongodb/index.ts';
import { insertManyIgnoringDuplicates, type ChangeBatch, type Store } from '../../src/store/port.ts';
import { cursorReply, startWireResponder, type WireResponder } from '../support/wire-responder.ts';

const STEPDOWN = { ok: 0, code: 189, codeName: 'PrimarySteppedDown', errmsg: 'primary stepped down', errorLabels: ['RetryableWriteError'] };
const WRITE_CONCERN_FAILED = {
  code: 64,
  codeName: 'WriteConcernFailed',
  errmsg: 'waiting for replication timed out',
  errInfo: { wtimeout: true },
};

/** The reply a primary gives to a write that applied every operation. */
function applied(command: Document): Document {
  const count = (command.documents ?? command.updates ?? command.deletes ?? []).length;
  return { ok: 1, n: count, ...(command.updates ? { nModified: count } : {}) };
}

function duplicateAt(index: number): Document {
  return { index, code: 11000, errmsg: 'E11000 duplicate key error collection: test.people index: key_1 dup key: { key: "taken" }' };
}

/** An aggregate reply opening a change stream: these events, then the server's post-batch resume token. */
function streamReply(events: Document[], postBatchResumeToken: Document): Document {
  return { ok: 1, cursor: { id: Long.ZERO, ns: 'test.$cmd.aggregate', firstBatch: events, postBatchResumeToken } };
}

const insertEvent = (resume: string, coll: string, id: unknown) => ({
  _id: { _data: resume },
  operationType: 'insert',
  ns: { db: 'test', coll },
  documentKey: { _id: id },
});

const changeStreamStage = (command: Document) => command.pipeline[0].$changeStream as Document;

describe('MongoDB adapter against scripted server replies (client side only, no database)', function () {
  let responder: WireResponder;
  let store: Store;
  beforeEach(async function () {
    responder = await startWireResponder();
    store = await openMongoStore({ url: responder.url(), dbName: 'test' });
  });
  afterEach(async function () {
    await store.close();
    await responder.close();
  });

  const mixedBulk = [
    { insertOne: { document: { key: 'a' } } },
    { updateOne: { filter: { key: 'b' }, update: { $set: { seen: true } }, upsert: true } },
  ];

  describe('bulk writes never turn a failed batch into a success', function () {
    it('a stepdown (command error) throws, keeping the RetryableWriteError label', async function () {
      responder.script((command, name) => (name === 'insert' || name === 'update' ? STEPDOWN : undefined));
      const error = await store
        .collection('people')
        .bulkWrite(mixedBulk, { ordered: false })
        .then(
          () => null,
          (caught) => caught,
        );
      expect(error, 'bulkWrite returned instead of throwing').to.be.an('error');
      expect(error.code).to.equal(189);
      expect(error.errorLabels).to.include('RetryableWriteError');
    });

    it('a write-concern error throws with its code, even though the server applied the writes', async function () {
      responder.script((command, name) =>
        name === 'insert' || name === 'update' ? { ...applied(command), writeConcernError: WRITE_CONCERN_FAILED } : undefined,
      );
      const error = await store
        .collection('people')
        .bulkWrite(mixedBulk)
        .then(
          () => null,
          (caught) => caught,
        );
      expect(error, 'bulkWrite returned instead of throwing').to.be.an('error');
      expect(error.code).to.equal(64);
    });

    it('a write-concern error that comes with duplicate-key write errors is not swallowed as "already there"', async function () {
      responder.script((command, name) =>
        name === 'insert' ? { ok: 1, n: 1, writeErrors: [duplicateAt(1)], writeConcernError: WRITE_CONCERN_FAILED } : undefined,
      );
      const people = store.collection('people');
      const bulkError = await people
        .bulkWrite([{ insertOne: { document: { key: 'new' } } }, { insertOne: { document: { key: 'taken' } } }], { ordered: false })
        .then(
          () => null,
          (caught) => caught,
        );
      expect(bulkError?.code).to.equal(64);
      const insertError = await insertManyIgnoringDuplicates(people, [{ key: 'new' }, { key: 'taken' }]).then(
        () => null,
        (caught) => caught,
      );
      expect(insertError?.code).to.equal(64);
    });

    it('a connection dropped after the first batch throws although that batch was acknowledged', async function () {
      responder.script((command, name) => (name === 'insert' ? applied(command) : name === 'update' ? 'drop-connection' : undefined));
      const error = await store
        .collection('people')
        .bulkWrite(mixedBulk, { ordered: false })
        .then(
          () => null,
          (caught) => caught,
        );
      expect(error, 'bulkWrite returned instead of throwing').to.be.an('error');
      expect(error.errorLabels).to.include('RetryableWriteError');
      expect(responder.commands.map((command) => Object.keys(command)[0])).to.include.members(['insert', 'update']);
    });

    it('real per-operation write errors are still reported, not thrown', async function () {
      responder.script((command, name) => (name === 'insert' ? { ok: 1, n: 1, writeErrors: [duplicateAt(1)] } : undefined));
      const result = await store
        .collection('people')
        .bulkWrite([{ insertOne: { document: { key: 'new' } } }, { insertOne: { document: { key: 'taken' } } }], { ordered: false });
      expect(result.writeErrors.map((error) => [error.index, error.code])).to.deep.equal([[1, 11000]]);
      expect(result.insertedCount).to.equal(1);
    });
  });

  describe("the port's bulk-result promise holds on the driver", function () {
    it('a mixed unordered bulk is sent in array order and its results are keyed by operation index', async function () {
      let inserts = 0;
      let updates = 0;
      responder.script((command, name) => {
        if (name === 'insert') return (inserts += 1) === 1 ? { ok: 1, n: 0, writeErrors: [duplicateAt(0)] } : applied(command);
        if (name === 'update')
          return (updates += 1) === 1 ? { ok: 1, n: 1, nModified: 0, upserted: [{ index: 0, _id: 'upserted-1' }] } : applied(command);
        return undefined;
      });
      const result = await store
        .collection('people')
        .bulkWrite(
          [
            { insertOne: { document: { key: 'taken' } } },
            { updateOne: { filter: { key: 'new1' }, update: { $setOnInsert: { v: 1 } }, upsert: true } },
            { insertOne: { document: { key: 'new2' } } },
            { updateOne: { filter: { key: 'taken' }, update: { $set: { v: 2 } } } },
            { insertOne: { document: { key: 'new3' } } },
          ],
          { ordered: false },
        );
      expect(responder.commands.map((command) => Object.keys(command)[0])).to.deep.equal([
        'insert',
        'update',
        'insert',
        'update',
        'insert',
      ]);
      expect(result.writeErrors.map((error) => [error.index, error.code])).to.deep.equal([[0, 11000]]);
      expect(result.upsertedIds).to.deep.equal({ 1: 'upserted-1' });
      const sentIds = responder.commands.filter((command) => 'insert' in command).map((command) => String(command.documents[0]._id));
      expect(Object.keys(result.insertedIds)).to.deep.equal(['2', '4']);
      expect([result.insertedIds[2], result.insertedIds[4]].map(String)).to.deep.equal(sentIds.slice(1));
      expect(result).to.include({ insertedCount: 2, upsertedCount: 1, matchedCount: 1, modifiedCount: 1 });
    });
  });

  describe('documents MongoDB refuses become DocumentRefusedError (HTTP 413/422), not a 500', function () {
    const seventeenMegabytes = () => 'x'.repeat(17 * 1024 * 1024);
    const refusalOf = (work: Promise<unknown>) =>
      work
        .then(
          () => null,
          (caught) => caught,
        )
        .then((error) => [error?.name, error?.code, error?.status]);

    it('a key with a NUL byte (refused by bson before sending)', async function () {
      const people = store.collection('people');
      expect(await refusalOf(people.insertOne({ profile: { 'a\u0000b': 1 } }))).to.deep.equal([
        'DocumentRefusedError',
        'store.invalid_document',
        422,
      ]);
      expect(await refusalOf(people.updateOne({ key: 'a' }, { $set: { profile: { 'a\u0000b': 1 } } }))).to.deep.equal([
        'DocumentRefusedError',
        'store.invalid_document',
        422,
      ]);
      expect(responder.commands).to.deep.equal([]);
    });

    it('a document of 16 MB or more, alone or in a bulk (refused by the driver before sending)', async function () {
      const people = store.collection('people');
      const tooLarge = ['DocumentRefusedError', 'store.document_too_large', 413];
      expect(await refusalOf(people.insertOne({ big: seventeenMegabytes() }))).to.deep.equal(tooLarge);
      expect(await refusalOf(people.bulkWrite([{ insertOne: { document: { big: seventeenMegabytes() } } }]))).to.deep.equal(tooLarge);
    });

    it('an update whose result would outgrow 16 MB, and nesting deeper than 100 (refused by the server)', async function () {
      responder.script((_command, name) => {
        if (name === 'update')
          return {
            ok: 1,
            n: 0,
            writeErrors: [{ index: 0, code: 17419, errmsg: 'Resulting document after update is larger than 16777216' }],
          };
        if (name === 'insert')
          return {
            ok: 1,
            n: 0,
            writeErrors: [{ index: 0, code: 15, errmsg: 'cannot insert document because it exceeds 100 levels of nesting' }],
          };
        return undefined;
      });
      const people = store.collection('people');
      expect(await refusalOf(people.updateOne({ key: 'a' }, { $push: { log: 'x' } }))).to.deep.equal([
        'DocumentRefusedError',
        'store.document_too_large',
        413,
      ]);
      expect(await refusalOf(people.insertOne({ deep: {} }))).to.deep.equal(['DocumentRefusedError', 'store.invalid_document', 422]);
    });
  });

  describe('applyAtomically', function () {
    it('a transaction retried after a TransientTransactionError reports its writes once', async function () {
      let commits = 0;
      responder.script((command, name) => {
        if (name === 'insert') return applied(command);
        if (name === 'commitTransaction' && (commits += 1) === 1) {
          return {
            ok: 0,
            code: 251,
            codeName: 'NoSuchTransaction',
            errmsg: 'transaction aborted',
            errorLabels: ['TransientTransactionError'],
          };
        }
        return undefined;
      });
      const result = await store.applyAtomically!([{ collection: 'people', insertOne: { document: { key: 'a' } } }]);
      expect(commits, 'the driver should have retried the whole transaction').to.equal(2);
      expect(result.insertedCount).to.equal(1);
    });

    it('refuses an empty operation list, as the embedded engine does, without starting a transaction', async function () {
      const error = await store.applyAtomically!([]).then(
        () => null,
        (caught) => caught,
      );
      expect(error?.message).to.match(/at least one operation/);
      expect(responder.commands).to.deep.equal([]);
    });
  });

  describe('the change feed: what the adapter asks for and how it resumes (client side only)', function () {
    const organisation = new ObjectId();
    const personaId = new ObjectId();
    const aggregates = () => responder.commands.filter((command) => 'aggregate' in command);

    it('changeToken opens a database change stream and answers its post-batch resume token', async function () {
      responder.script((_command, name) => (name === 'aggregate' ? streamReply([], { _data: 'A0' }) : undefined));
      const token = await store.changeToken();
      const [open] = aggregates();
      expect(open.aggregate).to.equal(1);
      expect(open.$db).to.equal('test');
      expect(changeStreamStage(open)).to.not.have.any.keys('startAfter', 'resumeAfter', 'startAtOperationTime');
      expect(token).to.be.a('string').and.to.include('A0');
    });

    it('changesSince asks for writes of these collections and this organisation only, resuming after the token', async function () {
      let answered = 0;
      responder.script((_command, name) => {
        if (name !== 'aggregate') return undefined;
        answered += 1;
        return answered === 1
          ? streamReply([], { _data: 'A0' })
          : streamReply([insertEvent('B1', 'personaIdentifiers', personaId)], { _data: 'B2' });
      });
      const start = await store.changeToken();
      const batch = (await store.changesSince(['personas', 'personaIdentifiers'], organisation, start)) as ChangeBatch;
      const opened = aggregates()[1];
      expect(changeStreamStage(opened)).to.deep.include({ startAfter: { _data: 'A0' }, fullDocument: 'updateLookup' });
      const match = opened.pipeline[1].$match;
      expect(match.operationType).to.deep.equal({ $in: ['insert', 'update', 'replace'] });
      expect(match['ns.coll']).to.deep.equal({ $in: ['personas', 'personaIdentifiers'] });
      // Sent as an ObjectId (its hex text would match nothing).
      const organisationConditions = match.$or.map(
        (condition: Document) => Object.entries(condition).map(([path, value]) => [path, value?._bsontype, String(value)])[0],
      );
      const hex = organisation.toHexString();
      expect(organisationConditions).to.deep.equal([
        ['fullDocument.organisation', 'ObjectId', hex],
        ['documentKey.organisation', 'ObjectId', hex],
      ]);
      expect(batch.changes.map((change) => [change.collection, String(change.id)])).to.deep.equal([
        ['personaIdentifiers', personaId.toHexString()],
      ]);
      expect(batch.hasMore).to.equal(false);

      // The next call resumes from the answered token: the post-batch resume token after the drained events.
      await store.changesSince(['personas'], organisation, batch.token);
      expect(changeStreamStage(aggregates()[2])).to.deep.include({ startAfter: { _data: 'B2' } });
    });

    it('stops at the limit and resumes after the last event it returned, not after the batch', async function () {
      responder.script((_command, name) =>
        name === 'aggregate'
          ? streamReply([insertEvent('C1', 'personas', 1), insertEvent('C2', 'personas', 2), insertEvent('C3', 'personas', 3)], {
              _data: 'C9',
            })
          : undefined,
      );
      const batch = (await store.changesSince(['personas'], organisation, 'mongodb-changes:{"_data":"C0"}', { limit: 2 })) as ChangeBatch;
      expect(batch.changes.map((change) => change.id)).to.deep.equal([1, 2]);
      expect(batch.hasMore).to.equal(true);
      await store.changesSince(['personas'], organisation, batch.token);
      expect(changeStreamStage(aggregates()[1])).to.deep.include({ startAfter: { _data: 'C2' } });
    });

    it('a token the oplog no longer holds is history lost (the caller rescans); a standalone server is refused by name', async function () {
      responder.script((_command, name) =>
        name === 'aggregate'
          ? {
              ok: 0,
              code: 286,
              codeName: 'ChangeStreamHistoryLost',
              errmsg: 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
            }
          : undefined,
      );
      expect(await store.changesSince(['personas'], organisation, 'mongodb-changes:{"_data":"D0"}')).to.deep.equal({ historyLost: true });
      responder.script((_command, name) =>
        name === 'aggregate'
          ? { ok: 0, code: 40573, codeName: 'Location40573', errmsg: 'The $changeStream stage is only supported on replica sets' }
          : undefined,
      );
      const error = await store.changeToken().then(
        () => null,
        (caught) => caught,
      );
      expect(error?.name).to.equal('ChangeStreamsUnavailableError');
      expect(error?.message).to.match(/replica set/);
    });

    it('a token that is not a MongoDB resume token is history lost without asking the server', async function () {
      expect(await store.changesSince(['personas'], organisation, 'embedded-changes:12')).to.deep.equal({ historyLost: true });
      expect(aggregates()).to.deep.equal([]);
    });
  });
});

describe('MongoDB adapter pins durability and primary reads whatever the URL says (client side only)', function () {
  let responder: WireResponder;
  beforeEach(async function () {
    responder = await startWireResponder();
  });
  afterEach(async function () {
    await responder.close();
  });

  const weakUrlOptions = 'w=1&journal=false&readPreference=secondaryPreferred&readConcernLevel=available';
  const emptyFind = (_: Document, name: string) => (name === 'find' ? cursorReply('test.people', []) : undefined);

  it('writes ask for { w: majority, j: true } and reads go to the primary with read concern local', async function () {
    responder.script(emptyFind);
    const store = await openMongoStore({ url: responder.url(weakUrlOptions), dbName: 'test' });
    try {
      const people = store.collection('people');
      await people.insertOne({ key: 'a' });
      await people.bulkWrite([{ updateOne: { filter: { key: 'a' }, update: { $set: { seen: true } } } }]);
      await people.find({ key: 'a' });
    } finally {
      await store.close();
    }
    const [insert, update, find] = responder.commands;
    expect(insert.writeConcern).to.deep.equal({ w: 'majority', j: true });
    expect(update.writeConcern).to.deep.equal({ w: 'majority', j: true });
    expect(find).to.not.have.property('$readPreference');
    expect(find.readConcern).to.deep.equal({ level: 'local' });
  });

  it('a transaction commits with { w: majority, j: true } too (it takes no settings from the database handle)', async function () {
    responder.script((command, name) => (name === 'insert' ? applied(command) : undefined));
    const store = await openMongoStore({ url: responder.url(weakUrlOptions), dbName: 'test' });
    try {
      await store.applyAtomically!([{ collection: 'people', insertOne: { document: { key: 'a' } } }]);
    } finally {
      await store.close();
    }
    const commit = responder.commands.find((command) => 'commitTransaction' in command)!;
    expect(commit.writeConcern).to.include({ w: 'majority', j: true }); // the driver may add a wtimeout to commits
  });

  it('the Learning Locker write-back connection is pinned the same way', async function () {
    // Opening it checks the statement indexes first: an empty collection (find) without indexes (listIndexes).
    responder.script((command, name) => (name === 'listIndexes' ? cursorReply('test.statements', []) : emptyFind(command, name)));
    const config = loadConfig({
      WRITE_BACK_STATEMENTS: 'true',
      WRITE_BACK_MONGODB_URL: responder.url(weakUrlOptions),
      LOG_LEVEL: 'silent',
    });
    const ownStoreNotUsed = null as unknown as Store; // with WRITE_BACK_MONGODB_URL set, statements live in LL's database only
    const writeBack = await openWriteBackStatements(config, ownStoreNotUsed, { warn() {} });
    try {
      await writeBack!.statements.updateMany({ 'person._id': 1 }, { $set: { stamped: true } });
      await writeBack!.statements.find({ stamped: true });
    } finally {
      await writeBack!.close();
    }
    const update = responder.commands.find((command) => 'update' in command)!;
    const find = responder.commands.find((command) => 'find' in command)!;
    expect(update.writeConcern).to.deep.equal({ w: 'majority', j: true });
    expect(find).to.not.have.property('$readPreference');
  });
});
