// GDPR export and erasure over the real app: the export document, 308 for a merged persona, erasure's effect on every
// route that could return the erased identifiers, the personas:erase scope, refusals and organisation isolation.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createLink, createPersona, expectError, mboxIfi, startTestApi, unknownId, type TestApi } from './support/identity-api.ts';

describe('HTTP: export and erasure', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it('exports the persona with identifiers, attributes, links, merged personas and merge history', async () => {
    const ann = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')], attributes: { employeeNumber: 'E7' } });
    const old = await createPersona(api, { name: 'Old Ann', identifiers: [mboxIfi('old.ann@example.org')] });
    await createLink(api, ann, 'user', '7');
    const merge = await api.request('POST', `/v1/personas/${ann}/merge`, { body: { from: [old] } });
    const answer = await api.request('GET', `/v1/personas/${ann}/export`);
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-disposition')).to.equal(`attachment; filename="persona-${ann}.json"`);
    expect(answer.body.persona).to.include({ id: ann, name: 'Ann' });
    expect(answer.body.identifiers.map((identifier: any) => identifier.ifi.value).sort()).to.deep.equal([
      'mailto:ann@example.org',
      'mailto:old.ann@example.org',
    ]);
    expect(answer.body.attributes.map((attribute: any) => [attribute.key, attribute.value])).to.deep.equal([['employeeNumber', 'E7']]);
    expect(answer.body.links.map((link: any) => link.recId)).to.deep.equal(['7']);
    expect(answer.body.mergedPersonas.map((persona: any) => persona.id)).to.deep.equal([old]);
    expect(answer.body.merges.map((record: any) => record.id)).to.deep.equal([merge.body.id]);
    expect(answer.body.emailClaims).to.have.length(2);

    const moved = await api.request('GET', `/v1/personas/${old}/export`);
    expect(moved.status).to.equal(308);
    expect(moved.headers.get('location')).to.equal(`/v1/personas/${ann}`);
    expectError(await api.request('GET', `/v1/personas/${unknownId()}/export`), 404, 'personas.persona_not_found');
    const writer = await api.newClient({ scopes: ['personas:write'] });
    expectError(await api.request('GET', `/v1/personas/${ann}/export`, { auth: writer }), 403, 'auth.insufficient_scope');
  });

  it('erases: afterwards no route returns the persona or its identifiers; an audit entry holds no erased data', async () => {
    const ann = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')], attributes: { team: 'red' } });
    const old = await createPersona(api, { name: 'Old Ann', identifiers: [mboxIfi('old.ann@example.org')] });
    const keep = await createPersona(api, { name: 'Bob', identifiers: [mboxIfi('bob@example.org')] });
    await createLink(api, ann, 'user', '7');
    const merge = await api.request('POST', `/v1/personas/${ann}/merge`, { body: { from: [old] } });
    const identifierIds = (await api.request('GET', `/v1/personas/${ann}`)).body.identifiers.map((identifier: any) => identifier.id);

    expect((await api.request('GET', '/v1/identifiers?ifi.value=mailto:ann@example.org')).body.data).to.have.length(1);
    const erased = await api.request('POST', `/v1/personas/${ann}/erase`);
    expect(erased.status, JSON.stringify(erased.body)).to.equal(200);
    expect(erased.body.counts).to.deep.equal({ personas: 2, identifiers: 2, emailClaims: 2, attributes: 1, links: 1, mergeRecords: 1 });

    for (const path of [
      `/v1/personas/${ann}`,
      `/v1/personas/${old}`,
      `/v1/personas/${ann}/export`,
      `/v1/personas/${ann}/duplicates`,
      '/v1/personas/by-identifier?mbox=mailto:ann@example.org',
      '/v1/personas/by-identifier?mbox=mailto:old.ann@example.org',
    ]) {
      expectError(await api.request('GET', path), 404, 'personas.persona_not_found');
    }
    for (const id of identifierIds) expectError(await api.request('GET', `/v1/identifiers/${id}`), 404, 'identifiers.identifier_not_found');
    const listed = await api.request('GET', '/v1/identifiers?ifi.value=mailto:ann@example.org');
    expect(listed.status).to.equal(200);
    expect(listed.body.data).to.deep.equal([]);
    const record = (await api.request('GET', `/v1/merges/${merge.body.id}`)).body;
    expect(record.erased).to.equal(true);
    expect(JSON.stringify(record.moved)).to.not.include(identifierIds[0]);
    expect((await api.request('GET', `/v1/personas/${keep}`)).status).to.equal(200);

    const audit = await api.built.store.collection(COLLECTIONS.audit).find({ organisation: new ObjectId(api.admin.organisation) });
    expect(audit).to.have.length(1);
    expect(audit[0].action).to.equal('persona.erased');
    expect(JSON.stringify(audit[0])).to.not.include('ann@example.org').and.not.include('Ann');
    expect((await api.request('GET', '/v1/duplicates')).body.data).to.deep.equal([]);
  });

  it('needs personas:erase (403); refuses a merged persona (409), unknown and bad ids, and other organisations (404)', async () => {
    const ann = await createPersona(api, { identifiers: [mboxIfi('ann@example.org')] });
    const old = await createPersona(api, { identifiers: [mboxIfi('old@example.org')] });
    await api.request('POST', `/v1/personas/${ann}/merge`, { body: { from: [old] } });
    const writer = await api.newClient({ scopes: ['personas:read', 'personas:write', 'personas:merge'] });
    expectError(await api.request('POST', `/v1/personas/${ann}/erase`, { auth: writer }), 403, 'auth.insufficient_scope');
    expectError(await api.request('POST', `/v1/personas/${old}/erase`), 409, 'merges.source_is_tombstone');
    expectError(await api.request('POST', `/v1/personas/${unknownId()}/erase`), 404, 'personas.persona_not_found');
    expectError(await api.request('POST', '/v1/personas/nothex/erase'), 400, 'personas.invalid_persona_id');
    const outsider = await api.newClient({ newOrganisation: true });
    expectError(await api.request('POST', `/v1/personas/${ann}/erase`, { auth: outsider }), 404, 'personas.persona_not_found');
    expectError(await api.request('GET', `/v1/personas/${ann}/export`, { auth: outsider }), 404, 'personas.persona_not_found');
    expect((await api.request('GET', `/v1/personas/${ann}`)).status).to.equal(200);
  });
});
