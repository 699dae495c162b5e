// Statement write-back kept true through identity changes (WRITE_BACK_STATEMENTS=true, statements in our own store):
// a merge re-stamps the sources' statements with the target, undo re-stamps each source's identifiers' statements
// back to it, erasure removes the stamps. Statements are shaped as Learning Locker stores them.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { createPersona, mboxIfi, startTestApi, type TestApi } from './support/identity-api.ts';

describe('HTTP: identity changes and statement write-back', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi({ WRITE_BACK_STATEMENTS: 'true' });
  });
  afterEach(async () => {
    await api.close();
  });

  const statements = () => api.built.store.collection('statements');

  async function stampedStatement(persona: string, identifier: string, organisation = api.admin.organisation) {
    const _id = new ObjectId();
    await statements().insertOne({
      _id,
      organisation: new ObjectId(organisation),
      timestamp: new Date(),
      statement: { id: new ObjectId().toHexString(), actor: { mbox: 'mailto:x@example.org' } },
      personaIdentifier: new ObjectId(identifier),
      person: { _id: new ObjectId(persona), display: 'old name' },
    });
    return _id;
  }
  const personOf = async (_id: ObjectId) => (await statements().findOne({ _id }))!;

  it('merge re-stamps statements of the sources with the target and its name; undo restores each source', async () => {
    const target = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')] });
    const source = await createPersona(api, { name: 'Ann B', identifiers: [mboxIfi('ann.b@example.org')] });
    const targetIdentifier = (await api.request('GET', `/v1/personas/${target}`)).body.identifiers[0].id;
    const sourceIdentifier = (await api.request('GET', `/v1/personas/${source}`)).body.identifiers[0].id;
    const onTarget = await stampedStatement(target, targetIdentifier);
    const onSource = await stampedStatement(source, sourceIdentifier);
    const otherOrganisation = await stampedStatement(source, sourceIdentifier, new ObjectId().toHexString());

    const merge = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    expect(merge.status).to.equal(201);
    expect((await personOf(onSource)).person).to.deep.equal({ _id: new ObjectId(target), display: 'Ann' });
    expect((await personOf(onTarget)).person._id.toHexString()).to.equal(target);
    expect((await personOf(otherOrganisation)).person._id.toHexString(), 'another organisation is untouched').to.equal(source);

    expect((await api.request('POST', `/v1/merges/${merge.body.id}/undo`)).status).to.equal(200);
    expect((await personOf(onSource)).person).to.deep.equal({ _id: new ObjectId(source), display: 'Ann B' });
    expect((await personOf(onTarget)).person._id.toHexString()).to.equal(target);
  });

  it('erasure removes the stamps of the erased persona and of personas merged into it, and no others', async () => {
    const ann = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')] });
    const old = await createPersona(api, { name: 'Old', identifiers: [mboxIfi('old@example.org')] });
    const bob = await createPersona(api, { name: 'Bob', identifiers: [mboxIfi('bob@example.org')] });
    const identifierOf = async (id: string) => (await api.request('GET', `/v1/personas/${id}`)).body.identifiers[0].id;
    const annStatement = await stampedStatement(ann, await identifierOf(ann));
    const oldStatement = await stampedStatement(old, await identifierOf(old));
    const bobStatement = await stampedStatement(bob, await identifierOf(bob));
    await api.request('POST', `/v1/personas/${ann}/merge`, { body: { from: [old] } });

    expect((await api.request('POST', `/v1/personas/${ann}/erase`)).status).to.equal(200);
    for (const id of [annStatement, oldStatement]) {
      const statement = await personOf(id);
      expect(statement).to.not.have.property('person');
      expect(statement).to.not.have.property('personaIdentifier');
      expect(statement.statement.actor, 'the statement itself is kept').to.deep.equal({ mbox: 'mailto:x@example.org' });
    }
    expect((await personOf(bobStatement)).person._id.toHexString()).to.equal(bob);
  });
});
