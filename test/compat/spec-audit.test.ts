// Independent audit of the Learning Locker surface against the compat spec (sections 3, 4, 6, 8), black-box over
// the real app: every route reachable case-insensitively with one trailing slash and LL's no-cache headers on every
// answer, JS parseInt semantics of the integer parameters, cursor bytes, `after` + `before` together, the version
// key of mongoose documents (attributes), and the generic connection without LL's "e30=" empty-page cursors (8.28).
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { startCompatApp, q, type Answer, type CompatApp } from './support/compat-app.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const decode = (cursor: string) => Buffer.from(cursor, 'base64').toString('utf8');

function expectNoCache(res: Answer, label: string): void {
  expect(res.headers.get('cache-control'), label).to.equal('no-cache, no-store, must-revalidate');
  expect(res.headers.get('pragma'), label).to.equal('no-cache');
  expect(res.headers.get('expires'), label).to.equal('0');
}

describe('LL /api spec audit (real app)', () => {
  let app: CompatApp;
  let personaIds: string[];
  let identifierId: string;
  let attributeId: string;
  const NAMES = ['p00', 'p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08', 'p09', 'p10', 'p11'];

  before(async () => {
    app = await startCompatApp();
    personaIds = [];
    for (const name of NAMES) personaIds.push((await app.call('POST', '/api/v2/persona', { body: { name } })).body._id);
    const identifier = await app.call('POST', '/api/v2/personaidentifier', {
      body: { ifi: { key: 'account', value: { homePage: 'http://lms.example.org', name: 'u1' } }, persona: personaIds[0] },
    });
    identifierId = identifier.body._id;
    const attribute = await app.call('POST', '/api/v2/personaattribute', { body: { personaId: personaIds[0], key: 'k1', value: 'v1' } });
    attributeId = attribute.body._id;
  });
  after(async () => app.close());

  it('serves every route of the table (3.7) case-insensitively and with one trailing slash, with the no-cache headers', async () => {
    const routes: Array<[string, string, number, unknown?]> = [
      ['GET', '/API/V2/PERSONA/COUNT/', 200],
      ['GET', '/api/V2/Persona/', 200],
      ['GET', `/api/v2/Persona/${personaIds[1]}/`, 200],
      ['PUT', '/api/v2/PERSONA/', 200, { name: 'zz created by PUT' }],
      ['PATCH', `/api/v2/persona/${personaIds[11]}/`, 200, { name: 'p11' }],
      ['GET', '/api/Connection/Persona/', 200],
      ['GET', '/api/v2/personaIdentifier/Count/', 200],
      ['GET', '/api/v2/PersonaIdentifier/', 200],
      ['GET', `/api/v2/personaIdentifier/${identifierId}/`, 200],
      ['POST', '/api/v2/personaIdentifier/Upsert/', 200, { ifi: { key: 'mbox', value: 'upsert-case@example.org' } }],
      ['PATCH', `/api/v2/PERSONAIDENTIFIER/${identifierId}/`, 200, { persona: personaIds[0] }],
      ['GET', '/api/connection/personaIdentifier/', 200],
      ['GET', '/api/v2/personaAttribute/', 200],
      ['GET', '/api/v2/PersonaAttribute/Count/', 200],
      ['GET', `/api/v2/personaAttribute/${attributeId}/`, 200],
      ['GET', `/api/v2/personaAttribute/${attributeId}/Shallow/`, 200],
      ['PATCH', `/api/v2/personaAttribute/${attributeId}/`, 200, { value: 'v1' }],
      ['GET', '/api/Connection/PersonaAttribute/', 200],
      ['GET', '/api/Indexes/PersonaAttribute/', 200],
      ['POST', `/api/MergePersona/?mergePersonaFromId=${personaIds[0]}&mergePersonaToId=${personaIds[0]}`, 400],
    ];
    for (const [method, path, status, body] of routes) {
      const res = await app.call(method, path, body === undefined ? {} : { body });
      expect(res.status, `${method} ${path}: ${res.text}`).to.equal(status);
      expectNoCache(res, `${method} ${path}`);
    }
  });

  it('puts the no-cache headers on error answers too: 401 text, 403, 400, 404 and ERM 204/400/404', async () => {
    const readOnly = await app.client({ scopes: ['personas:read'], organisation: app.a.organisation });
    const unknown = new ObjectId().toHexString();
    const answers: Array<[string, Answer, number]> = [
      ['401', await app.call('GET', '/api/v2/persona', { client: null }), 401],
      ['401 ERM', await app.call('GET', '/api/v2/personaattribute', { client: null }), 401],
      ['403', await app.call('POST', '/api/v2/persona', { client: readOnly, body: { name: 'x' } }), 403],
      ['400', await app.call('GET', '/api/v2/persona?filter={bad'), 400],
      ['404', await app.call('GET', `/api/v2/persona/${unknown}`), 404],
      ['ERM 400', await app.call('GET', '/api/v2/personaattribute?query={bad', { client: null }), 400],
      ['ERM 404', await app.call('GET', `/api/v2/personaattribute/${unknown}`), 404],
    ];
    for (const [label, res, status] of answers) {
      expect(res.status, label).to.equal(status);
      expectNoCache(res, label);
    }
    const created = await app.call('POST', '/api/v2/personaattribute', { body: { personaId: personaIds[5], key: 'gone', value: 1 } });
    const deleted = await app.call('DELETE', `/api/v2/personaattribute/${created.body._id}`);
    expect(deleted.status).to.equal(204);
    expectNoCache(deleted, 'ERM 204');
  });

  it('LL controller errors carry a uuid v4 errorId and the message, plus our stable code', async () => {
    const unknown = new ObjectId().toHexString();
    for (const [method, path, body] of [
      ['GET', `/api/v2/persona/${unknown}`, undefined],
      ['GET', `/api/v2/personaidentifier/${unknown}`, undefined],
      ['POST', '/api/v2/personaidentifier', { ifi: { key: 'mbox', value: 'no-persona@example.org' } }],
      ['POST', '/api/mergepersona', undefined],
    ] as const) {
      const res = await app.call(method, path, body === undefined ? {} : { body });
      expect(res.status, path).to.be.within(400, 499);
      expect(res.body.errorId, path).to.match(UUID_V4);
      expect(res.body.message, path).to.be.a('string').and.not.equal('');
      expect(res.body.error.code, path).to.be.a('string');
    }
    // Merge without its query parameters: LL's text names the missing id as `undefined`, and it is a 404, not a 500.
    const merge = await app.call('POST', '/api/mergepersona');
    expect(merge.status).to.equal(404);
    expect(merge.body.message).to.equal('No model found for Persona with id undefined');
  });

  it('parses integer parameters as JS parseInt(value): leading digits, whitespace, a 0x prefix; NaN counts as absent', async () => {
    const size = async (query: string) => {
      const res = await app.call('GET', `/api/connection/persona?${query}`);
      expect(res.status, query).to.equal(200);
      return res.body.edges.length;
    };
    expect(await size('first=3.9')).to.equal(3);
    expect(await size('first=2abc')).to.equal(2);
    expect(await size('first=%202')).to.equal(2);
    expect(await size('first=0x4')).to.equal(4);
    expect(await size('first=abc')).to.equal(10);
    expect(await size('first=abc&last=2')).to.equal(2);
    expect(await size('first=0&last=2')).to.equal(2);
    expect(await size('last=0x3')).to.equal(3);
    const list = async (query: string) =>
      (await app.call('GET', `/api/v2/persona?sort=${q({ name: 1 })}&${query}`)).body.map((p: any) => p.name);
    expect(await list('limit=0x2')).to.deep.equal(['p00', 'p01']);
    expect(await list('limit=2&skip=1.5')).to.deep.equal(['p01', 'p02']);
    expect(await list('limit=2xyz&skip=0x3')).to.deep.equal(['p03', 'p04']);
    const identifiers = await app.call('GET', '/api/v2/personaidentifier?limit=0x1');
    expect(identifiers.body).to.have.length(1);
  });

  it('cursors hold the sort-key values in sort order then the _id tie-breaker: {"$oid"} for PS, plain hex for the generic connection', async () => {
    const personas = await app.call('GET', `/api/connection/persona?sort=${q({ name: 1 })}&first=2`);
    const [first] = personas.body.edges;
    expect(decode(first.cursor)).to.equal(`{"name":"p00","_id":{"$oid":"${personaIds[0]}"}}`);
    expect(personas.body.pageInfo.startCursor).to.equal(first.cursor);
    const identifiers = await app.call(
      'GET',
      `/api/connection/personaidentifier?sort=${q({ 'ifi.value.name': -1 })}&filter=${q({ 'ifi.key': 'account' })}`,
    );
    expect(decode(identifiers.body.edges[0].cursor)).to.equal(`{"ifi":{"value":{"name":"u1"}},"_id":{"$oid":"${identifierId}"}}`);
    const attributes = await app.call('GET', `/api/connection/personaattribute?sort=${q({ key: 1 })}&filter=${q({ key: 'k1' })}`);
    expect(decode(attributes.body.edges[0].cursor)).to.equal(`{"key":"k1","_id":"${attributeId}"}`);
  });

  it('with both `after` and `before`, pages backwards from the `after` cursor as LL does', async () => {
    const page = await app.call('GET', `/api/connection/persona?sort=${q({ name: 1 })}&first=6`);
    const cursor = encodeURIComponent(page.body.edges[5].cursor);
    const both = await app.call(
      'GET',
      `/api/connection/persona?sort=${q({ name: 1 })}&last=3&after=${cursor}&before=${encodeURIComponent(page.body.edges[0].cursor)}`,
    );
    expect(both.status).to.equal(200);
    expect(both.body.edges.map((edge: any) => edge.node.name)).to.deep.equal(['p02', 'p03', 'p04']);
    expect(both.body.pageInfo).to.include({ hasNextPage: true, hasPreviousPage: true });
  });

  it("attribute documents carry mongoose's version key `__v` wherever LL returns them (create, get, list, update, connection)", async () => {
    const created = await app.call('POST', '/api/v2/personaattribute', {
      body: { personaId: personaIds[2], key: 'versioned', value: 'a' },
    });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ __v: 0, key: 'versioned', value: 'a', personaId: personaIds[2] });
    expect(created.body).to.include.keys('_id', 'organisation', 'createdAt', 'updatedAt');
    expect((await app.call('GET', `/api/v2/personaattribute/${created.body._id}`)).body.__v).to.equal(0);
    const listed = await app.call('GET', `/api/v2/personaattribute?query=${q({ key: 'versioned' })}`);
    expect(listed.body.map((attribute: any) => attribute.__v)).to.deep.equal([0]);
    const updated = await app.call('PUT', `/api/v2/personaattribute/${created.body._id}`, { body: { value: 'b' } });
    expect(updated.body).to.include({ __v: 0, value: 'b' });
    const node = (await app.call('GET', `/api/connection/personaattribute?filter=${q({ key: 'versioned' })}`)).body.edges[0].node;
    expect(node).to.include({ __v: 0, key: 'versioned' });
    // A projection still decides what a node holds, as MongoDB's would.
    const projected = (await app.call('GET', `/api/connection/personaattribute?filter=${q({ key: 'versioned' })}&project=${q({ key: 1 })}`))
      .body.edges[0].node;
    expect(Object.keys(projected).sort()).to.deep.equal(['_id', 'key']);
  });

  it("generic connections cast filter values to the model's types as mongoose does (hex ids, date text); PS connections do not", async () => {
    const ids = (kind: string, filter: unknown) =>
      app.call('GET', `/api/connection/${kind}?filter=${q(filter)}`).then((res) => {
        expect(res.status, `${kind} ${JSON.stringify(filter)}`).to.equal(200);
        return res.body.edges.map((edge: any) => edge.node._id);
      });
    expect(await ids('personaattribute', { personaId: personaIds[0] })).to.deep.equal([attributeId]);
    expect(await ids('personaattribute', { _id: attributeId })).to.deep.equal([attributeId]);
    expect(
      await ids('personaattribute', { personaId: { $in: [personaIds[0]] }, createdAt: { $gte: '2000-01-01T00:00:00Z' } }),
    ).to.deep.equal([attributeId]);
    expect(await ids('personaattribute', { personaId: { $oid: personaIds[0] } })).to.deep.equal([attributeId]);
    const created = await app.call('POST', '/api/v2/personasimport', { body: { title: 'cast me' } });
    expect(await ids('personasimport', { _id: created.body._id })).to.deep.equal([created.body._id]);
    // The ERM list of the same model casts the same way.
    const listed = await app.call('GET', `/api/v2/personaattribute?query=${q({ personaId: personaIds[0], _id: attributeId })}`);
    expect(listed.body.map((attribute: any) => attribute._id)).to.deep.equal([attributeId]);
    // PS connections (personas, identifiers) use the driver without a schema: a hex string is only a string there.
    expect(await ids('persona', { _id: personaIds[0] })).to.deep.equal([]);
    expect(await ids('persona', { _id: { $oid: personaIds[0] } })).to.deep.equal([personaIds[0]]);
  });

  it('generic connections give no "e30=" cursors on an empty page (defect 8.28), and still accept "e30=" as no position', async () => {
    for (const kind of ['personaattribute', 'personasimport', 'personasimporttemplate']) {
      const empty = await app.call('GET', `/api/connection/${kind}?filter=${q({ _id: { $oid: new ObjectId().toHexString() } })}`);
      expect(empty.status, kind).to.equal(200);
      expect(empty.body, kind).to.deep.equal({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false } });
    }
    const fromStart = await app.call('GET', '/api/connection/personaattribute?first=1&after=e30%3D');
    expect(fromStart.status).to.equal(200);
    expect(fromStart.body.edges).to.have.length(1);
    expect(fromStart.body.pageInfo.hasPreviousPage).to.equal(false);
  });
});
