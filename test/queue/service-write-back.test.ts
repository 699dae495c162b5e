// Statement write-back for changes made through the services (WRITE_BACK_STATEMENTS=true, statements in our own
// store, QUEUE=auto so the API process runs the back-fill worker; compat spec 2.2, 2.3): a rename through /v1 (PATCH
// and PUT) and through Learning Locker's route refreshes `person.display`; an identifier created or moved through
// /v1 back-fills the statements of its IFI with it and its (new) persona; so does a rename by the name policy. Another organisation is never touched.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { serviceWriteBackHooks } from '../../src/features/write-back/service-write-back.ts';
import { createPersona, mboxIfi, startTestApi, type TestApi } from '../identity/support/identity-api.ts';
import { deletePrefix, uniquePrefix, waitFor } from './queue-support.ts';

describe('write-back of renames and identifier changes through the services (real Redis)', function () {
  this.timeout(120_000);
  let prefix: string;
  let api: TestApi;

  beforeEach(async () => {
    prefix = uniquePrefix();
    api = await startTestApi({
      QUEUE: 'auto',
      QUEUE_PREFIX: prefix,
      WRITE_BACK_STATEMENTS: 'true',
      BACKFILL_BATCH_SIZE: '10',
      BACKFILL_RATE: '100000',
    });
  });
  afterEach(async () => {
    await api.close();
    await deletePrefix(prefix);
  });

  const statements = () => api.built.store.collection('statements');
  const organisation = () => new ObjectId(api.admin.organisation);

  /** LL-shaped statements by `address`, stamped with `person` when given. */
  async function insertStatements(count: number, address: string, person?: { _id: ObjectId; display: string }, org = organisation()) {
    const documents = Array.from({ length: count }, () => ({
      _id: new ObjectId(),
      organisation: org,
      lrs_id: new ObjectId(),
      statement: {
        id: new ObjectId().toHexString(),
        actor: { mbox: `mailto:${address}` },
        verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      },
      ...(person ? { person } : {}),
    }));
    await statements().insertMany(documents);
    return documents.map((document) => document._id);
  }
  const displaysOf = async (ids: ObjectId[]) =>
    (await statements().find({ _id: { $in: ids } })).map((document) => document.person?.display);

  it("a rename through PATCH, PUT and Learning Locker's route refreshes person.display of its statements only", async () => {
    const ann = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')] });
    const person = { _id: new ObjectId(ann), display: 'Ann' };
    const mine = await insertStatements(25, 'ann@example.org', person);
    const foreign = await insertStatements(3, 'ann@example.org', person, new ObjectId());

    expect((await api.request('PATCH', `/v1/personas/${ann}`, { body: { name: 'Ann Smith' } })).status).to.equal(200);
    await waitFor('display after PATCH', async () => (await displaysOf(mine)).every((display) => display === 'Ann Smith'));

    expect((await api.request('PUT', `/v1/personas/${ann}`, { body: { name: 'Ann Jones' } })).status).to.equal(200);
    await waitFor('display after PUT', async () => (await displaysOf(mine)).every((display) => display === 'Ann Jones'));

    const ll = await api.request('PATCH', `/api/v2/persona/${ann}`, { body: { name: 'Ann LL' } });
    expect(ll.status, JSON.stringify(ll.body)).to.equal(200);
    await waitFor('display after the LL rename', async () => (await displaysOf(mine)).every((display) => display === 'Ann LL'));

    expect(await displaysOf(foreign), 'another organisation keeps its stamps').to.deep.equal(['Ann', 'Ann', 'Ann']);
    for (const document of await statements().find({ _id: { $in: mine } })) expect(document.person._id.toHexString()).to.equal(ann);
  });

  it('a name policy change that renames a persona refreshes person.display of its statements, as a rename does', async () => {
    const statement = (name: string, minute: number) => ({
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
      actor: { mbox: 'mailto:bo@example.org', name },
      verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
      object: { id: 'https://example.org/course/policy' },
    });
    const resolved = await api.request('POST', '/v1/statements?wait=true', { body: [statement('Bo', 1), statement('Bo Ekström', 2)] });
    expect(resolved.status, JSON.stringify(resolved.body)).to.equal(200);
    const bo = resolved.body.results[0].agents[0].personaId as string;
    const mine = await insertStatements(5, 'bo@example.org', { _id: new ObjectId(bo), display: 'Bo' });
    const change = await api.request('PUT', '/v1/identity-rules', { body: { namePolicy: 'latest' } });
    expect(change.body).to.include({ namePolicy: 'latest', renamed: 1 });
    await waitFor('display after the policy change', async () => (await displaysOf(mine)).every((display) => display === 'Bo Ekström'));

    // Queued statements are resolved by the worker: its resolver renames under `latest` and re-stamps just the same.
    const queued = await api.request('POST', '/v1/statements', { body: [statement('Bo E.', 3)] });
    expect(queued.status, JSON.stringify(queued.body)).to.equal(202);
    await waitFor('display after a queued statement renamed the persona', async () =>
      (await displaysOf(mine)).every((display) => display === 'Bo E.'),
    );
  });

  it('an identifier created on a persona back-fills its statements; moving it re-stamps them with the new persona', async () => {
    const ann = await createPersona(api, { name: 'Ann' });
    const carol = await createPersona(api, { name: 'Carol' });
    const bobs = await insertStatements(23, 'bob@example.org');
    const foreign = await insertStatements(2, 'bob@example.org', undefined, new ObjectId());
    const others = await insertStatements(2, 'someone@example.org');

    const created = await api.request('POST', '/v1/identifiers', { body: { ifi: mboxIfi('bob@example.org'), persona: ann } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const identifier = created.body.id as string;
    const stampedWith = (persona: string) => async () =>
      (await statements().find({ _id: { $in: bobs } })).every(
        (document) => document.person?._id.toHexString() === persona && document.personaIdentifier?.toHexString() === identifier,
      );
    await waitFor('back-fill of the new identifier', stampedWith(ann));
    expect(await displaysOf(bobs)).to.satisfy((displays: string[]) => displays.every((display) => display === 'Ann'));

    const moved = await api.request('PUT', `/v1/identifiers/${identifier}`, { body: { persona: carol } });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
    await waitFor('back-fill after the move', stampedWith(carol));
    expect(await displaysOf(bobs)).to.satisfy((displays: string[]) => displays.every((display) => display === 'Carol'));

    expect(await displaysOf([...foreign, ...others]), 'other organisations and other actors untouched').to.deep.equal([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('without write-back or queue there are no hooks', () => {
    const logger = { warn() {} };
    expect(serviceWriteBackHooks(null, logger)).to.deep.equal({ onRenamed: undefined, onAssigned: undefined });
    expect(serviceWriteBackHooks({ restampPersona: null, backfillIdentifier: null }, logger)).to.deep.equal({
      onRenamed: undefined,
      onAssigned: undefined,
    });
  });
});
