// Name history over the real app (issue 15, name policy): every name seen for a persona — from statements, API
// writes — with counts and first/last seen on GET /v1/personas/{id}; a merge shows the source's names on the target
// and an undo gives them back; erasure deletes them; a persona without a name still shows one.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { startTestApi, type TestApi } from './http-support.ts';

const statement = (mbox: string, name?: string) => ({
  actor: { mbox, ...(name === undefined ? {} : { name }) },
  verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
  object: { id: 'https://example.org/course/names' },
});

interface SeenName {
  name: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

describe('HTTP: persona name history', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  async function resolve(statements: unknown[]): Promise<string> {
    const answer = await api.request('POST', '/v1/statements?wait=true', { body: statements });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body.results[0].agents[0].personaId;
  }

  const namesOf = async (id: string): Promise<SeenName[]> => (await api.request('GET', `/v1/personas/${id}`)).body.names;
  const counts = (names: SeenName[]) => Object.fromEntries(names.map((entry) => [entry.name, entry.count]));

  it('keeps every name statements give an agent, counted per occurrence, with first and last seen', async () => {
    const id = await resolve([
      statement('mailto:hist@example.org', 'Ada'),
      statement('mailto:hist@example.org', 'Ada L.'),
      statement('mailto:hist@example.org', 'Ada'),
    ]);
    await resolve([statement('mailto:hist@example.org', 'Ada Lovelace'), statement('mailto:hist@example.org')]);
    const names = await namesOf(id);
    expect(counts(names)).to.deep.equal({ Ada: 2, 'Ada L.': 1, 'Ada Lovelace': 1 });
    expect(names[0].name, 'most recently seen first').to.equal('Ada Lovelace');
    for (const entry of names) expect(Date.parse(entry.firstSeen)).to.be.at.most(Date.parse(entry.lastSeen));
    const persona = (await api.request('GET', `/v1/personas/${id}`)).body;
    expect(persona.name, 'the default policy keeps the first name').to.equal('Ada');
  });

  it('records names given through the API: creation and rename', async () => {
    const created = await api.request('POST', '/v1/personas', { body: { name: 'Grace' } });
    expect(created.body.names.map((entry: SeenName) => entry.name)).to.deep.equal(['Grace']);
    await api.request('PATCH', `/v1/personas/${created.body.id}`, { body: { name: 'Grace Hopper' } });
    await api.request('PATCH', `/v1/personas/${created.body.id}`, { body: { active: true } });
    expect(counts(await namesOf(created.body.id))).to.deep.equal({ Grace: 1, 'Grace Hopper': 1 });
  });

  it('a merge shows the source names on the target, summed; an undo gives the source its names back', async () => {
    const target = await resolve([statement('mailto:m1@example.org', 'Alan'), statement('mailto:m1@example.org', 'A. Turing')]);
    const source = await resolve([statement('mailto:m2@example.org', 'Alan'), statement('mailto:m2@example.org', 'Alan Turing')]);
    const merge = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    expect(merge.status, JSON.stringify(merge.body)).to.equal(201);
    expect(counts(await namesOf(target))).to.deep.equal({ Alan: 2, 'A. Turing': 1, 'Alan Turing': 1 });
    const undo = await api.request('POST', `/v1/merges/${merge.body.id}/undo`);
    expect(undo.status, JSON.stringify(undo.body)).to.equal(200);
    expect(counts(await namesOf(target))).to.deep.equal({ Alan: 1, 'A. Turing': 1 });
    expect(counts(await namesOf(source))).to.deep.equal({ Alan: 1, 'Alan Turing': 1 });
  });

  it('the xAPI Person lists every name seen, by persona id and through the Agents resource', async () => {
    const id = await resolve([statement('mailto:person@example.org', 'Mary'), statement('mailto:person@example.org', 'Mary S.')]);
    const person = (await api.request('GET', `/v1/personas/${id}/person`)).body;
    expect(person.name).to.have.members(['Mary', 'Mary S.']);
    const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:person@example.org' }));
    const viaXapi = await api.request('GET', `/xapi/agents?agent=${agent}`, { headers: { 'X-Experience-API-Version': '1.0.3' } });
    expect(viaXapi.status, JSON.stringify(viaXapi.body)).to.equal(200);
    expect(viaXapi.body.name).to.have.members(['Mary', 'Mary S.']);
  });

  it('erasure deletes the names of the persona and of the personas merged into it', async () => {
    const target = await resolve([statement('mailto:e1@example.org', 'Erin')]);
    const source = await resolve([statement('mailto:e2@example.org', 'Erin Old')]);
    await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    const exported = await api.request('GET', `/v1/personas/${target}/export`);
    expect(exported.body.names.map((entry: SeenName) => entry.name)).to.have.members(['Erin', 'Erin Old']);
    expect((await api.request('POST', `/v1/personas/${target}/erase`)).status).to.equal(200);
    const left = await api.built.store.collection(COLLECTIONS.names).countDocuments({
      organisation: new ObjectId(api.admin.organisation),
      persona: { $in: [new ObjectId(target), new ObjectId(source)] },
    });
    expect(left).to.equal(0);
  });

  it('a persona without a name shows an identifier, or else its id, never an empty string', async () => {
    const id = await resolve([statement('mailto:nameless@example.org', 'Nameless')]);
    await api.built.store
      .collection(COLLECTIONS.personas)
      .updateOne({ organisation: new ObjectId(api.admin.organisation), _id: new ObjectId(id) }, { $set: { name: '' } });
    expect((await api.request('GET', `/v1/personas/${id}`)).body.displayName).to.equal('nameless@example.org');
    const bare = await api.request('POST', '/v1/personas', { body: { name: 'Bare' } });
    await api.built.store
      .collection(COLLECTIONS.personas)
      .updateOne({ organisation: new ObjectId(api.admin.organisation), _id: new ObjectId(bare.body.id) }, { $set: { name: null } });
    expect((await api.request('GET', `/v1/personas/${bare.body.id}`)).body.displayName).to.equal(bare.body.id);
  });
});
