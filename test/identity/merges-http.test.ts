// The merge routes over the real app: POST /v1/personas/{id}/merge, the history (GET /v1/merges, /v1/merges/{id}),
// undo, 308 on a merged persona, every refusal code, scopes and organisation isolation.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { HISTORY_MOVED_ITEMS } from '../../src/features/merges/merge-record.ts';
import {
  createLink,
  createPersona,
  expectError,
  mboxIfi,
  accountIfi,
  startTestApi,
  unknownId,
  type TestApi,
} from './support/identity-api.ts';

describe('HTTP: merges', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(async () => {
    await api.close();
  });

  async function pair() {
    const target = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')], attributes: { team: 'red' } });
    const source = await createPersona(api, {
      name: 'Ann B',
      identifiers: [mboxIfi('ann.b@example.org'), accountIfi('http://lms.example.org', 'ann')],
      attributes: { team: 'blue', level: 3 },
    });
    return { target, source };
  }

  it('merges: 201 with Location and what moved; the source answers 308 to the target, which now has everything', async () => {
    const { target, source } = await pair();
    await createLink(api, source, 'user', '42');
    const answer = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    expect(answer.headers.get('location')).to.equal(`/v1/merges/${answer.body.id}`);
    expect(answer.body).to.include({ target, state: 'applied' });
    expect(answer.body.actor, 'the calling client id').to.match(/^[0-9a-f]{24}$/);
    expect(answer.body.sources).to.deep.equal([source]);
    expect(answer.body.moved.identifiers).to.have.length(2);
    expect(answer.body.moved.links).to.have.length(1);
    expect(answer.body.moved.attributeConflicts).to.deep.equal([{ source, key: 'team', sourceValue: 'blue', targetValue: 'red' }]);

    const redirect = await api.request('GET', `/v1/personas/${source}`);
    expect(redirect.status).to.equal(308);
    expect(redirect.headers.get('location')).to.equal(`/v1/personas/${target}`);
    const merged = await api.request('GET', `/v1/personas/${target}`);
    expect(merged.body.identifiers.map((identifier: any) => identifier.ifi.value).sort()).to.deep.equal(
      ['mailto:ann.b@example.org', 'mailto:ann@example.org', { homePage: 'http://lms.example.org', name: 'ann' }].sort(),
    );
    expect(merged.body.attributes.map((attribute: any) => [attribute.key, attribute.value]).sort()).to.deep.equal([
      ['level', 3],
      ['team', 'red'],
    ]);
    expect(merged.body.links.map((link: any) => link.recId)).to.deep.equal(['42']);
    const record = await api.request('GET', `/v1/merges/${answer.body.id}`);
    expect(record.status).to.equal(200);
    expect(record.body).to.deep.equal(answer.body);
  });

  it('history lists at most HISTORY_MOVED_ITEMS moved items per kind, with counts; the record itself lists all', async () => {
    const { target, source } = await pair();
    const organisation = new ObjectId(api.admin.organisation);
    const many = HISTORY_MOVED_ITEMS + 5;
    await api.built.store.collection(COLLECTIONS.identifiers).insertMany(
      Array.from({ length: many }, (_, n) => ({
        organisation,
        persona: new ObjectId(source),
        ifi: { key: 'openid', value: `http://id.example.org/many/${n}` },
        canonicalKey: `openid|http://id.example.org/many/${n}`,
        locked: false,
        createdAt: new Date(),
        updatedAt: new Date(),
      })),
    );
    const merge = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    expect(merge.status).to.equal(201);
    expect(merge.body.movedCounts).to.deep.include({ identifiers: many + 2, attributes: 1 });
    const history = await api.request('GET', `/v1/merges?persona=${target}`);
    const [entry] = history.body.data;
    expect(entry).to.include({ id: merge.body.id, movedTruncated: true });
    expect(entry.moved.identifiers).to.have.length(HISTORY_MOVED_ITEMS);
    expect(entry.movedCounts.identifiers).to.equal(many + 2);
    const record = await api.request('GET', `/v1/merges/${merge.body.id}`);
    expect(record.body).to.include({ movedTruncated: false });
    expect(record.body.moved.identifiers).to.have.length(many + 2);
  });

  it('refuses with stable codes: itself, a tombstone either side, unknown ids, bad ids and bad bodies', async () => {
    const { target, source } = await pair();
    const third = await createPersona(api, { identifiers: [mboxIfi('third@example.org')] });
    expectError(await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [target] } }), 400, 'merges.merge_into_itself');
    expectError(
      await api.request('POST', `/v1/personas/${unknownId()}/merge`, { body: { from: [source] } }),
      404,
      'personas.persona_not_found',
    );
    const unknownSource = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [unknownId()] } });
    expectError(unknownSource, 404, 'personas.persona_not_found');
    expect(unknownSource.body.error.details[0].path).to.equal('from[0]');
    expectError(await api.request('POST', '/v1/personas/nothex/merge', { body: { from: [source] } }), 400, 'personas.invalid_persona_id');
    const empty = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [] } });
    expectError(empty, 422, 'merges.failed_to_validate');
    expect(empty.body.error.details[0]).to.include({ path: 'from', code: 'merges.no_sources' });
    const badId = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: ['xyz'] } });
    expectError(badId, 422, 'merges.failed_to_validate');
    expect(badId.body.error.details[0].path).to.equal('from[0]');
    expectError(
      await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source], extra: 1 } }),
      422,
      'merges.failed_to_validate',
    );
    expectError(await api.request('POST', `/v1/personas/${target}/merge`, { raw: '{"from": [' }), 400, 'merges.failed_to_serialize');

    expect((await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } })).status).to.equal(201);
    expectError(await api.request('POST', `/v1/personas/${source}/merge`, { body: { from: [third] } }), 409, 'merges.target_is_tombstone');
    expectError(await api.request('POST', `/v1/personas/${third}/merge`, { body: { from: [source] } }), 409, 'merges.source_is_tombstone');
    // Nothing moved by the refusals.
    expect((await api.request('GET', `/v1/personas/${third}`)).body.identifiers).to.have.length(1);
  });

  it('answers 409 merges.merge_in_progress while another merge of the same personas is unfinished', async () => {
    const { target, source } = await pair();
    const now = new Date();
    // What a merge interrupted in another process leaves behind until recovery completes it.
    await api.built.store.collection(COLLECTIONS.merges).insertOne({
      _id: new ObjectId(),
      organisation: new ObjectId(api.admin.organisation),
      target: new ObjectId(source),
      sources: [new ObjectId(unknownId())],
      actor: 'other',
      state: 'pending',
      createdAt: now,
      updatedAt: now,
    });
    expectError(await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } }), 409, 'merges.merge_in_progress');
    expect((await api.request('GET', `/v1/personas/${source}`)).status).to.equal(200);
  });

  it('needs personas:merge to merge or undo (403), personas:read to read the history', async () => {
    const { target, source } = await pair();
    const reader = await api.newClient({ scopes: ['personas:read', 'personas:write'] });
    expectError(
      await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] }, auth: reader }),
      403,
      'auth.insufficient_scope',
    );
    const merge = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    expectError(await api.request('POST', `/v1/merges/${merge.body.id}/undo`, { auth: reader }), 403, 'auth.insufficient_scope');
    expect((await api.request('GET', '/v1/merges', { auth: reader })).body.data).to.have.length(1);
    const merger = await api.newClient({ scopes: ['personas:merge'] });
    expectError(await api.request('GET', '/v1/merges', { auth: merger }), 403, 'auth.insufficient_scope');
    expect((await api.request('POST', `/v1/merges/${merge.body.id}/undo`, { auth: merger })).status).to.equal(200);
    expect((await api.request('GET', `/v1/personas/${source}`)).status).to.equal(200);
  });

  it('lists the history newest first, filtered by persona and state, in offset and cursor pages', async () => {
    const personas = [];
    for (let index = 0; index < 5; index += 1) personas.push(await createPersona(api, { identifiers: [mboxIfi(`p${index}@example.org`)] }));
    const first = await api.request('POST', `/v1/personas/${personas[0]}/merge`, { body: { from: [personas[1]] } });
    const second = await api.request('POST', `/v1/personas/${personas[2]}/merge`, { body: { from: [personas[3]] } });
    const third = await api.request('POST', `/v1/personas/${personas[0]}/merge`, { body: { from: [personas[4]] } });
    await api.request('POST', `/v1/merges/${second.body.id}/undo`);

    const all = await api.request('GET', '/v1/merges');
    expect(all.body.data.map((merge: any) => merge.id)).to.deep.equal([third.body.id, second.body.id, first.body.id]);
    expect(all.body.page).to.deep.equal({ limit: 20, offset: 0, nextCursor: null, prevCursor: null });
    const ofPersona = await api.request('GET', `/v1/merges?persona=${personas[0]}`);
    expect(ofPersona.body.data.map((merge: any) => merge.id)).to.deep.equal([third.body.id, first.body.id]);
    const ofSource = await api.request('GET', `/v1/merges?persona=${personas[3]}`);
    expect(ofSource.body.data.map((merge: any) => merge.id)).to.deep.equal([second.body.id]);
    const undone = await api.request('GET', '/v1/merges?state=undone');
    expect(undone.body.data.map((merge: any) => merge.id)).to.deep.equal([second.body.id]);

    const page1 = await api.request('GET', '/v1/merges?limit=2');
    expect(page1.body.data.map((merge: any) => merge.id)).to.deep.equal([third.body.id, second.body.id]);
    const page2 = await api.request('GET', `/v1/merges?limit=2&after=${encodeURIComponent(page1.body.page.nextCursor)}`);
    expect(page2.body.data.map((merge: any) => merge.id)).to.deep.equal([first.body.id]);
    expect(page2.body.page.nextCursor).to.equal(null);
    const back = await api.request('GET', `/v1/merges?limit=2&before=${encodeURIComponent(page2.body.page.prevCursor)}`);
    expect(back.body.data.map((merge: any) => merge.id)).to.deep.equal([third.body.id, second.body.id]);
    const offset = await api.request('GET', '/v1/merges?limit=1&offset=2');
    expect(offset.body.data.map((merge: any) => merge.id)).to.deep.equal([first.body.id]);

    expectError(await api.request('GET', '/v1/merges?persona=nothex'), 400, 'query.invalid_filter');
    expectError(await api.request('GET', `/v1/merges?search.persona.gt=${personas[0]}`), 400, 'query.invalid_filter');
    expectError(await api.request('GET', '/v1/merges?colour=red'), 400, 'query.invalid_parameter');
    expectError(
      await api.request('GET', `/v1/merges?persona=${personas[0]}&after=${encodeURIComponent(page1.body.page.nextCursor)}`),
      400,
      'query.invalid_cursor',
    );
  });

  it('undo restores the source exactly; a second undo is 409; a change since the merge is 409 naming it', async () => {
    const { target, source } = await pair();
    const before = (await api.request('GET', `/v1/personas/${source}`)).body;
    const merge = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    const undo = await api.request('POST', `/v1/merges/${merge.body.id}/undo`);
    expect(undo.status, JSON.stringify(undo.body)).to.equal(200);
    expect(undo.body).to.include({ state: 'undone', undoneBy: undo.body.undoneBy });
    const after = (await api.request('GET', `/v1/personas/${source}`)).body;
    const shape = (persona: any) => ({
      identifiers: persona.identifiers.map((identifier: any) => identifier.id).sort(),
      attributes: persona.attributes.map((attribute: any) => `${attribute.key}=${attribute.value}`).sort(),
    });
    expect(shape(after)).to.deep.equal(shape(before));
    expectError(await api.request('POST', `/v1/merges/${merge.body.id}/undo`), 409, 'merges.merge_not_applied');

    const again = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    const other = await createPersona(api, { identifiers: [mboxIfi('other@example.org')] });
    const movedId = again.body.moved.identifiers[0].id;
    expect((await api.request('PUT', `/v1/identifiers/${movedId}`, { body: { persona: other } })).status).to.equal(200);
    const conflict = await api.request('POST', `/v1/merges/${again.body.id}/undo`);
    expectError(conflict, 409, 'merges.undo_conflict');
    expect(conflict.body.error.details).to.deep.include({
      path: `identifiers.${movedId}`,
      code: 'merges.item_moved',
      message: `identifier ${movedId} is now on persona ${other}`,
    });
    expect((await api.request('GET', `/v1/personas/${source}`)).status).to.equal(308);

    expectError(await api.request('POST', `/v1/merges/${unknownId()}/undo`), 404, 'merges.merge_not_found');
    expectError(await api.request('POST', '/v1/merges/nothex/undo'), 400, 'merges.invalid_merge_id');
    expectError(await api.request('GET', `/v1/merges/${unknownId()}`), 404, 'merges.merge_not_found');
  });

  it('another organisation sees none of it: 404 for its personas, merges and undo, and an empty history', async () => {
    const { target, source } = await pair();
    const merge = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    const outsider = await api.newClient({ newOrganisation: true });
    const theirs = await createPersona(api, { identifiers: [mboxIfi('ann@example.org')] }, outsider);
    expectError(await api.request('GET', `/v1/merges/${merge.body.id}`, { auth: outsider }), 404, 'merges.merge_not_found');
    expectError(await api.request('POST', `/v1/merges/${merge.body.id}/undo`, { auth: outsider }), 404, 'merges.merge_not_found');
    expect((await api.request('GET', '/v1/merges', { auth: outsider })).body.data).to.deep.equal([]);
    expect((await api.request('GET', `/v1/merges?persona=${target}`, { auth: outsider })).body.data).to.deep.equal([]);
    expectError(await api.request('GET', `/v1/personas/${source}`, { auth: outsider }), 404, 'personas.persona_not_found');
    expectError(
      await api.request('POST', `/v1/personas/${theirs}/merge`, { body: { from: [target] }, auth: outsider }),
      404,
      'personas.persona_not_found',
    );
    expectError(await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [theirs] } }), 404, 'personas.persona_not_found');
  });

  it('documents every identity route in the OpenAPI description', async () => {
    const paths = (await api.request('GET', '/openapi.json', { auth: null })).body.paths;
    for (const [path, method] of [
      ['/v1/personas/{id}/merge', 'post'],
      ['/v1/merges', 'get'],
      ['/v1/merges/{id}', 'get'],
      ['/v1/merges/{id}/undo', 'post'],
      ['/v1/duplicates', 'get'],
      ['/v1/personas/{id}/duplicates', 'get'],
      ['/v1/duplicates/dismiss', 'post'],
      ['/v1/imports', 'post'],
      ['/v1/imports/{id}', 'get'],
      ['/v1/imports/{id}/errors', 'get'],
      ['/v1/personas/{id}/export', 'get'],
      ['/v1/personas/{id}/erase', 'post'],
    ]) {
      expect(paths[path]?.[method], `${method} ${path}`).to.be.an('object');
    }
    expect(paths['/v1/personas/{id}/merge'].post.security).to.not.deep.equal([]);
  });
});
