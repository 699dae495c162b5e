// HTTP tests of the /api adapter layer (routing, auth order, scopes, LL/ERM error bodies, organisation isolation,
// connections) over an in-memory store and recording ports; the *.e2e.test.ts files run the same surface over the
// real app and services.
import { expect } from 'chai';
import express from 'express';
import type { Server } from 'node:http';
import { ObjectId } from 'bson';
import { createLearningLockerApi } from '../../src/compat/learning-locker/api.router.ts';
import type { CallerContext, LlPorts } from '../../src/compat/learning-locker/ports.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { mingoStore } from './support/mingo-collection.ts';

const org = new ObjectId();
const otherOrg = new ObjectId();
const personaIds = Array.from({ length: 7 }, () => new ObjectId());
const foreignPersona = new ObjectId();
const data = {
  [COLLECTIONS.personas]: [
    ...personaIds.map((_id, i) => ({ _id, organisation: org, name: ['b', 'a', null, 'b', 'c', 'a', 'b'][i] })),
    { _id: foreignPersona, organisation: otherOrg, name: 'a' },
    { _id: new ObjectId(), organisation: org, name: 'merged', mergedInto: personaIds[0] },
  ],
  [COLLECTIONS.identifiers]: [
    {
      _id: new ObjectId(),
      organisation: org,
      persona: personaIds[0],
      locked: false,
      ifi: { key: 'account', value: { homePage: 'http://lms.example.org', name: 'u1' } },
    },
    { _id: new ObjectId(), organisation: org, persona: personaIds[1], ifi: { key: 'mbox', value: 'mailto:ann@example.org' } },
    {
      _id: new ObjectId(),
      organisation: otherOrg,
      persona: foreignPersona,
      ifi: { key: 'account', value: { homePage: 'http://lms.example.org', name: 'u2' } },
    },
  ],
  [COLLECTIONS.attributes]: [
    { _id: new ObjectId(), organisation: org, personaId: personaIds[0], key: 'dept', value: 'sales', __v: 0 },
    { _id: new ObjectId(), organisation: otherOrg, personaId: foreignPersona, key: 'dept', value: 'sales', __v: 0 },
  ],
};

const merges: Array<[string, string]> = [];
const ports: LlPorts = {
  store: mingoStore(data),
  personas: {
    async create(caller, name) {
      return { _id: new ObjectId(), organisation: caller.organisation, name, createdAt: new Date(), updatedAt: new Date() };
    },
    async rename(caller, id, name) {
      return { _id: id, organisation: caller.organisation, name, createdAt: new Date(), updatedAt: new Date() };
    },
    async remove() {},
  },
  identifiers: {} as LlPorts['identifiers'],
  attributes: {} as LlPorts['attributes'],
  merges: {
    async merge(_caller, from, to) {
      merges.push([from.toHexString(), to.toHexString()]);
      return { identifierIds: [] };
    },
  },
};

const callers: Record<string, CallerContext> = {
  all: { organisation: org, clientId: 'c1', scopes: ['personas:read', 'personas:write', 'personas:merge'] },
  xapi: { organisation: org, clientId: 'c2', scopes: ['statements:write'] },
  expired: { organisation: org, clientId: 'c3', scopes: ['personas:read'], organisationExpiration: new Date(0) },
};
/** Response bodies are checked field by field below. */
const anyJson = (value: unknown): any => value;
const basic = (key: string) => `Basic ${Buffer.from(`${key}:secret`).toString('base64')}`;

describe('LL /api routes (adapter layer)', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const app = express();
    app.use(
      '/api',
      createLearningLockerApi({
        ports,
        authenticateCaller: async (req) => {
          const header = req.headers.authorization ?? '';
          const key = Buffer.from(header.replace(/^Basic /, ''), 'base64')
            .toString()
            .split(':')[0];
          return callers[key] ?? null;
        },
      }),
    );
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
  });
  after(() => server.close());

  const get = (path: string, key = 'all') => fetch(`${base}${path}`, { headers: { authorization: basic(key) } });

  it('routes case-insensitively with one trailing slash and sets LL cache headers', async () => {
    for (const path of ['/v2/personaidentifier', '/v2/personaIdentifier', '/v2/personaidentifier/']) {
      const res = await get(path);
      expect(res.status).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('no-cache, no-store, must-revalidate');
      expect(res.headers.get('pragma')).to.equal('no-cache');
      expect(res.headers.get('expires')).to.equal('0');
      expect(await res.json().then(anyJson)).to.have.length(2);
    }
  });

  it("answers 401 text with passport challenges, and 403 with LL's body for missing scope or expired organisation", async () => {
    const res = await fetch(`${base}/v2/persona`);
    expect(res.status).to.equal(401);
    expect(await res.text()).to.equal('Unauthorized');
    expect(res.headers.get('www-authenticate')).to.contain('Basic realm="Users"');
    for (const key of ['xapi', 'expired']) {
      const denied = await get('/v2/persona', key);
      expect(denied.status).to.equal(403);
      const body = await denied.json().then(anyJson);
      expect(body.message).to.equal('Priviliges not sufficient for this operation');
      expect(body.errorId).to.match(/^[0-9a-f-]{36}$/);
      expect(body.error.code).to.match(/^auth\./);
    }
  });

  it("lists, counts and gets only live personas of the caller's organisation", async () => {
    const list = await (await get('/v2/persona?sort={"name":1}')).json().then(anyJson);
    expect(list).to.have.length(7);
    expect(list[0]).to.deep.equal({ _id: personaIds[2].toHexString(), name: null, organisation: org.toHexString() });
    expect((await (await get('/v2/persona/count')).json().then(anyJson)).count).to.equal(7);
    expect((await (await get(`/v2/persona/count?query=${encodeURIComponent('{"name":"a"}')}`)).json().then(anyJson)).count).to.equal(2);
    const one = await (await get(`/v2/persona/${personaIds[2].toHexString()}`)).json().then(anyJson);
    expect(one).to.deep.equal({ _id: personaIds[2].toHexString(), organisation: org.toHexString() });
    const foreign = await get(`/v2/persona/${foreignPersona.toHexString()}`);
    expect(foreign.status).to.equal(404);
    expect((await foreign.json().then(anyJson)).message).to.equal(`No model found for Persona with id ${foreignPersona.toHexString()}`);
    expect((await get('/v2/persona/not-an-id')).status).to.equal(404);
  });

  it('answers 400 naming the parameter for bad JSON, unsafe operators and bad cursors', async () => {
    for (const [path, param] of [
      ['/v2/persona/count?query={bad', 'query'],
      ['/v2/persona?filter={"$where":"1"}', 'filter.$where'],
      ['/connection/persona?after=%%%', 'after'],
      ['/connection/persona?sort={"name":2}', 'sort.name'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).to.equal(400);
      const body = await res.json().then(anyJson);
      expect(body.errorId).to.be.a('string');
      expect(body.error.details[0].path).to.equal(param);
    }
  });

  it('pages the persona connection forwards and backwards across ties with filters on nested fields and $oid', async () => {
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = await (
        await get(`/connection/persona?sort={"name":1}&first=2${after ? `&after=${encodeURIComponent(after)}` : ''}`)
      )
        .json()
        .then(anyJson);
      seen.push(...page.edges.map((edge: { node: { _id: string } }) => edge.node._id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).to.have.length(7);
    expect(new Set(seen).size).to.equal(7);
    const back = await (await get(`/connection/persona?sort={"name":1}&last=2&before=${encodeURIComponent(after)}`)).json().then(anyJson);
    // `after` is the end cursor of the third page (item 6 of 7): the two items immediately before it.
    expect(back.edges.map((edge: { node: { _id: string } }) => edge.node._id)).to.deep.equal(seen.slice(3, 5));
    expect(back.pageInfo).to.include({ hasNextPage: true, hasPreviousPage: true });
    const nested = await (
      await get(`/connection/personaidentifier?filter=${encodeURIComponent('{"ifi.value.homePage":"http://lms.example.org"}')}`)
    )
      .json()
      .then(anyJson);
    expect(nested.edges).to.have.length(1);
    const byOid = await (
      await get(
        `/connection/personaidentifier?filter=${encodeURIComponent(JSON.stringify({ persona: { $in: [{ $oid: personaIds[1].toHexString() }, { $oid: foreignPersona.toHexString() }] } }))}`,
      )
    )
      .json()
      .then(anyJson);
    expect(byOid.edges.map((edge: { node: { ifi: { key: string } } }) => edge.node.ifi.key)).to.deep.equal(['mbox']);
    const projected = await (await get('/connection/personaattribute?project={"key":1}')).json().then(anyJson);
    expect(projected.edges).to.have.length(1);
    expect(Object.keys(projected.edges[0].node).sort()).to.deep.equal(['_id', 'key']);
  });

  it('ERM attribute routes: invalid_json before authentication, {"statusCode":404} for unknown ids', async () => {
    const res = await fetch(`${base}/v2/personaattribute?query={bad`);
    expect(res.status).to.equal(400);
    expect(await res.json().then(anyJson)).to.include({ description: 'invalid_json', statusCode: 400 });
    const unauthenticated = await fetch(`${base}/v2/personaattribute`);
    expect(unauthenticated.status).to.equal(401);
    expect(unauthenticated.headers.get('www-authenticate')).to.equal(null);
    const foreign = data[COLLECTIONS.attributes][1]._id.toHexString();
    const missing = await get(`/v2/personaattribute/${foreign}`);
    expect(missing.status).to.equal(404);
    expect((await missing.json().then(anyJson)).statusCode).to.equal(404);
    const list = await (await get('/v2/personaattribute?query={"key":"~^DEP"}')).json().then(anyJson);
    expect(list).to.have.length(1);
    expect(list[0].organisation).to.equal(org.toHexString());
  });

  it('merge: self-merge 400, malformed ids 404, a valid request reaches the merge service', async () => {
    const post = (query: string) => fetch(`${base}/mergepersona?${query}`, { method: 'POST', headers: { authorization: basic('all') } });
    const id = personaIds[0].toHexString();
    expect((await post(`mergePersonaFromId=${id}&mergePersonaToId=${id}`)).status).to.equal(400);
    expect((await post(`mergePersonaFromId=x&mergePersonaToId=${id}`)).status).to.equal(404);
    const ok = await post(`mergePersonaFromId=${personaIds[1].toHexString()}&mergePersonaToId=${id}`);
    expect(ok.status).to.equal(200);
    expect(await ok.json().then(anyJson)).to.deep.equal({ identifierIds: [] });
    expect(merges).to.deep.equal([[personaIds[1].toHexString(), id]]);
  });

  it("persona create and rename answer LL's shapes and refuse non-string or missing names", async () => {
    const send = (method: string, path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: { authorization: basic('all'), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await send('POST', '/v2/persona', { name: 'Ann' });
    expect(created.status).to.equal(200);
    expect(await created.json().then(anyJson)).to.include({ name: 'Ann', organisation: org.toHexString() });
    expect((await send('PUT', '/v2/persona', { name: 5 })).status).to.equal(400);
    expect((await send('PATCH', `/v2/persona/${personaIds[0].toHexString()}`, {})).status).to.equal(400);
    expect((await send('PATCH', `/v2/persona/${foreignPersona.toHexString()}`, { name: 'x' })).status).to.equal(404);
  });
});
