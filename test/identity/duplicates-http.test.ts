// Duplicate suggestion routes over the real app: the organisation list, one persona's suggestions, dismissals,
// query problems, scopes, 308 for a merged persona and organisation isolation.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { createPersona, expectError, mboxIfi, accountIfi, startTestApi, unknownId, type TestApi } from './support/identity-api.ts';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

describe('HTTP: duplicate suggestions', () => {
  let api: TestApi;
  let ann: string;
  let annSha: string;
  let annLms: string;
  let bob: string;
  beforeEach(async () => {
    api = await startTestApi();
    ann = await createPersona(api, { name: 'Ann Smith', identifiers: [mboxIfi('ann@example.org')] });
    annSha = await createPersona(api, { name: 'A. S.', identifiers: [{ key: 'mbox_sha1sum', value: sha1('mailto:ann@example.org') }] });
    annLms = await createPersona(api, { name: 'Ann Smith', identifiers: [accountIfi('http://lms.example.org', 'asmith')] });
    bob = await createPersona(api, { name: 'Bob Jones', identifiers: [accountIfi('http://other.example.org', 'bjones')] });
  });
  afterEach(async () => {
    await api.close();
  });

  const ids = (pair: any) => [...pair.personas].sort().join(',');
  const idsOf = (a: string, b: string) => [a, b].sort().join(',');

  it('lists suggested pairs best first with reasons and scores; certain pairs are marked', async () => {
    const answer = await api.request('GET', '/v1/duplicates');
    expect(answer.status).to.equal(200);
    expect(answer.body.data.map(ids)).to.deep.equal([idsOf(ann, annSha), idsOf(ann, annLms)]);
    const [certain, byName] = answer.body.data;
    expect(certain).to.include({ score: 1, isCertain: true });
    expect(certain.reasons.map((reason: any) => reason.code)).to.deep.equal(['mbox_sha1sum']);
    expect(byName).to.include({ score: 0.4, isCertain: false });
    expect(byName.reasons.map((reason: any) => reason.code)).to.deep.equal(['display_name']);
    expect(answer.body.page).to.deep.equal({ limit: 20, offset: 0, nextCursor: null, prevCursor: null });

    expect((await api.request('GET', '/v1/duplicates?minScore=0.5')).body.data.map(ids)).to.deep.equal([idsOf(ann, annSha)]);
    expect((await api.request('GET', '/v1/duplicates?limit=1&offset=1')).body.data.map(ids)).to.deep.equal([idsOf(ann, annLms)]);
    expectError(await api.request('GET', '/v1/duplicates?limit=abc'), 400, 'query.invalid_limit');
    expectError(await api.request('GET', '/v1/duplicates?minScore=2'), 400, 'query.invalid_parameter');
    expectError(await api.request('GET', '/v1/duplicates?colour=red'), 400, 'query.invalid_parameter');
  });

  it("answers one persona's suggestions; 404 unknown, 400 bad id, 308 for a merged persona", async () => {
    const answer = await api.request('GET', `/v1/personas/${ann}/duplicates`);
    expect(answer.status).to.equal(200);
    expect(answer.body.data.map(ids)).to.deep.equal([idsOf(ann, annSha), idsOf(ann, annLms)]);
    expect((await api.request('GET', `/v1/personas/${bob}/duplicates`)).body.data).to.deep.equal([]);
    expectError(await api.request('GET', `/v1/personas/${unknownId()}/duplicates`), 404, 'personas.persona_not_found');
    expectError(await api.request('GET', '/v1/personas/nothex/duplicates'), 400, 'personas.invalid_persona_id');
    await api.request('POST', `/v1/personas/${ann}/merge`, { body: { from: [annSha] } });
    const moved = await api.request('GET', `/v1/personas/${annSha}/duplicates`);
    expect(moved.status).to.equal(308);
    expect(moved.headers.get('location')).to.equal(`/v1/personas/${ann}`);
    // The merged pair is no longer suggested.
    expect((await api.request('GET', '/v1/duplicates')).body.data.map(ids)).to.deep.equal([idsOf(ann, annLms)]);
  });

  it('dismissed pairs are never suggested again; dismissal problems have codes', async () => {
    const dismissed = await api.request('POST', '/v1/duplicates/dismiss', { body: { pairs: [[annLms, ann]] } });
    expect(dismissed.status, JSON.stringify(dismissed.body)).to.equal(200);
    expect(dismissed.body).to.deep.equal({ dismissed: 1 });
    expect((await api.request('GET', '/v1/duplicates')).body.data.map(ids)).to.deep.equal([idsOf(ann, annSha)]);
    expect((await api.request('GET', `/v1/personas/${annLms}/duplicates`)).body.data).to.deep.equal([]);

    expectError(await api.request('POST', '/v1/duplicates/dismiss', { body: { pairs: [[ann, ann]] } }), 422, 'duplicates.invalid_pair');
    expectError(
      await api.request('POST', '/v1/duplicates/dismiss', { body: { pairs: [[ann, unknownId()]] } }),
      404,
      'personas.persona_not_found',
    );
    const bad = await api.request('POST', '/v1/duplicates/dismiss', { body: { pairs: [[ann]] } });
    expectError(bad, 422, 'duplicates.failed_to_validate');
    expect(bad.body.error.details[0].path).to.match(/^pairs\[0\]/);
    expectError(await api.request('POST', '/v1/duplicates/dismiss', { body: { pairs: [] } }), 422, 'duplicates.failed_to_validate');
    expectError(await api.request('POST', '/v1/duplicates/dismiss', { raw: '{"pairs":' }), 400, 'duplicates.failed_to_serialize');
  });

  it('keeps the stored pairs current: new data is suggested, a deleted persona is no longer', async () => {
    expect((await api.request('GET', '/v1/duplicates')).body.data).to.have.length(2);
    const bobToo = await createPersona(api, { name: 'bob  JONES', identifiers: [accountIfi('http://lms.example.org', 'bjones')] });
    const listed = (await api.request('GET', '/v1/duplicates')).body.data;
    expect(listed.map(ids)).to.include(idsOf(bob, bobToo));
    expect(
      listed
        .find((pair: any) => ids(pair) === idsOf(bob, bobToo))
        .reasons.map((reason: any) => reason.code)
        .sort(),
    ).to.deep.equal(['account_name', 'display_name']);
    expect((await api.request('DELETE', `/v1/personas/${annLms}?cascade=true`)).status).to.equal(204);
    expect((await api.request('GET', `/v1/personas/${ann}/duplicates`)).body.data.map(ids)).to.deep.equal([idsOf(ann, annSha)]);
    expect((await api.request('GET', '/v1/duplicates')).body.data.map(ids)).to.deep.equal([idsOf(ann, annSha), idsOf(bob, bobToo)]);
  });

  it('needs personas:read to read suggestions and personas:merge to dismiss', async () => {
    const reader = await api.newClient({ scopes: ['personas:read'] });
    expect((await api.request('GET', '/v1/duplicates', { auth: reader })).status).to.equal(200);
    expectError(
      await api.request('POST', '/v1/duplicates/dismiss', { body: { pairs: [[ann, annLms]] }, auth: reader }),
      403,
      'auth.insufficient_scope',
    );
    const writer = await api.newClient({ scopes: ['personas:write'] });
    expectError(await api.request('GET', '/v1/duplicates', { auth: writer }), 403, 'auth.insufficient_scope');
    expectError(await api.request('GET', `/v1/personas/${ann}/duplicates`, { auth: writer }), 403, 'auth.insufficient_scope');
  });

  it('another organisation sees none of these personas or pairs, and cannot dismiss them', async () => {
    const outsider = await api.newClient({ newOrganisation: true });
    await createPersona(api, { name: 'Ann Smith', identifiers: [mboxIfi('ann@example.org')] }, outsider);
    expect((await api.request('GET', '/v1/duplicates', { auth: outsider })).body.data).to.deep.equal([]);
    expectError(await api.request('GET', `/v1/personas/${ann}/duplicates`, { auth: outsider }), 404, 'personas.persona_not_found');
    expectError(
      await api.request('POST', '/v1/duplicates/dismiss', { body: { pairs: [[ann, annLms]] }, auth: outsider }),
      404,
      'personas.persona_not_found',
    );
    expect((await api.request('GET', '/v1/duplicates')).body.data).to.have.length(2);
  });
});
