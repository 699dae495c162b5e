// Auth (401 vs 403, Basic and Bearer, revocation, organisation isolation), clients routes, first start, and the
// operations routes (health, ready, metrics, OpenAPI, docs).
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startTestApi, type TestApi } from './http-support.ts';

describe('HTTP: auth, clients and operations', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  it('first start writes the all-scopes client to initial-client.json with mode 0600', () => {
    const file = join(api.dataDir, 'initial-client.json');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.deep.equal(api.admin);
  });

  it('answers 401 auth.missing_credentials without credentials and for unreadable ones', async () => {
    for (const auth of [null, 'Basic', 'Basic !!!', 'Digest abc', `Basic ${Buffer.from('nocolon').toString('base64')}`, 'Bearer nodot']) {
      const answer = await api.request('GET', '/v1/personas', { auth });
      expect(answer.status, String(auth)).to.equal(401);
      expect(answer.body.error.code).to.equal('auth.missing_credentials');
    }
  });

  it('answers 401 auth.invalid_credentials for a wrong secret or an unknown key', async () => {
    for (const auth of [
      { key: api.admin.key, secret: 'wrong' },
      { key: 'pk_unknown', secret: api.admin.secret },
    ]) {
      const answer = await api.request('GET', '/v1/personas', { auth });
      expect(answer.status).to.equal(401);
      expect(answer.body.error.code).to.equal('auth.invalid_credentials');
    }
  });

  it('accepts Bearer <key>.<secret>', async () => {
    const answer = await api.request('GET', '/v1/personas', { auth: `Bearer ${api.admin.key}.${api.admin.secret}` });
    expect(answer.status).to.equal(200);
  });

  it('answers 403 auth.insufficient_scope naming the scope', async () => {
    const reader = await api.newClient({ scopes: ['personas:read'] });
    expect((await api.request('GET', '/v1/personas', { auth: reader })).status).to.equal(200);
    const answer = await api.request('POST', '/v1/personas', { auth: reader, body: { name: 'x' } });
    expect(answer.status).to.equal(403);
    expect(answer.body.error).to.include({ code: 'auth.insufficient_scope' });
    expect(answer.body.error.message).to.include('personas:write');
    expect((await api.request('POST', '/v1/statements', { auth: reader, body: {} })).status).to.equal(403);
    expect((await api.request('GET', '/v1/clients', { auth: reader })).status).to.equal(403);
  });

  it('creates, lists and revokes clients in the caller organisation; revocation takes effect at once', async () => {
    const created = await api.request('POST', '/v1/clients', { body: { title: 'lms', scopes: ['personas:read'] } });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ title: 'lms', organisation: api.admin.organisation });
    expect(created.body.secret).to.be.a('string');
    const auth = { key: created.body.key, secret: created.body.secret };
    expect((await api.request('GET', '/v1/personas', { auth })).status).to.equal(200);
    expect((await api.request('GET', '/v1/personas', { auth: `Bearer ${created.body.token}` })).status).to.equal(200);
    const listed = await api.request('GET', '/v1/clients');
    const entry = listed.body.data.find((client: { id: string }) => client.id === created.body.id);
    expect(entry).to.not.have.property('secret');
    expect(entry).to.not.have.property('secretHash');
    expect((await api.request('DELETE', `/v1/clients/${created.body.id}`)).status).to.equal(204);
    const refused = await api.request('GET', '/v1/personas', { auth });
    expect(refused.status).to.equal(401);
    expect(refused.body.error.code).to.equal('auth.invalid_credentials');
  });

  it('a revocation by another process (straight in the store) takes effect after the recheck period', async () => {
    const client = await api.newClient();
    expect((await api.request('GET', '/v1/personas', { auth: client })).status).to.equal(200);
    await api.built.store.collection('apiClients').updateOne({ key: client.key }, { $set: { revokedAt: new Date() } });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await api.request('GET', '/v1/personas', { auth: client })).status).to.equal(401);
  });

  it('rejects bad client input and ids', async () => {
    const bad = await api.request('POST', '/v1/clients', { body: { scopes: ['root'] } });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('clients.failed_to_validate');
    expect(bad.body.error.details[0]).to.include({ path: 'scopes[0]', code: 'clients.invalid_scope' });
    expect((await api.request('DELETE', '/v1/clients/nope')).body.error.code).to.equal('clients.invalid_client_id');
    expect((await api.request('DELETE', `/v1/clients/${'a'.repeat(24)}`)).body.error.code).to.equal('clients.client_not_found');
  });

  it('lets a client grant at most the scopes it holds (no escalation inside an organisation)', async () => {
    const adminOnly = await api.newClient({ scopes: ['clients:admin'] });
    const escalation = await api.request('POST', '/v1/clients', {
      auth: adminOnly,
      body: { title: 'escalated', scopes: ['personas:read', 'clients:admin', 'personas:erase'] },
    });
    expect(escalation.status).to.equal(403);
    expect(escalation.body.error.code).to.equal('clients.scope_not_held');
    expect(escalation.body.error.message).to.include('personas:read, personas:erase');
    expect(escalation.body.error.details.map((problem: { path: string }) => problem.path)).to.deep.equal(['scopes[0]', 'scopes[2]']);
    const byDefault = await api.request('POST', '/v1/clients', { auth: adminOnly, body: { title: 'default scopes' } });
    expect(byDefault.status, "no scopes asked: the caller's own").to.equal(201);
    expect(byDefault.body.scopes).to.deep.equal(['clients:admin']);
    const manager = await api.newClient({ scopes: ['clients:admin', 'personas:read', 'personas:write'] });
    const narrower = await api.request('POST', '/v1/clients', { auth: manager, body: { scopes: ['personas:read'] } });
    expect(narrower.status).to.equal(201);
    expect(
      (await api.request('GET', '/v1/clients', { auth: adminOnly })).body.data.filter(
        (client: { title: string }) => client.title === 'escalated',
      ),
    ).to.deep.equal([]);
  });

  it("never shows another organisation's clients or documents: 404, not 403", async () => {
    const other = await api.newClient({ newOrganisation: true });
    const persona = await api.request('POST', '/v1/personas', { body: { name: 'Mine' } });
    const theirs = await api.request('GET', `/v1/personas/${persona.body.id}`, { auth: other });
    expect(theirs.status).to.equal(404);
    expect(theirs.body.error.code).to.equal('personas.persona_not_found');
    expect((await api.request('DELETE', `/v1/clients/${other.id}`)).status).to.equal(404);
    expect((await api.request('GET', '/v1/personas/count', { auth: other })).body).to.deep.equal({ count: 0 });
  });

  it('serves /health, /ready, /metrics, /openapi.json and /docs without credentials', async () => {
    expect((await api.request('GET', '/health', { auth: null })).body).to.deep.equal({ status: 'ok' });
    expect((await api.request('GET', '/ready', { auth: null })).status).to.equal(200);
    const metrics = await api.request('GET', '/metrics', { auth: null });
    expect(metrics.body).to.match(/persona_http_requests_total\{method="GET",route="\/v1\/personas",status="200"\}/);
    expect(metrics.body).to.match(/persona_http_request_duration_seconds_bucket/);
    const docs = await api.request('GET', '/docs', { auth: null });
    expect(docs.body).to.include('/docs/assets/swagger-ui-bundle.js');
    expect((await api.request('GET', '/docs/assets/swagger-ui-bundle.js', { auth: null })).status).to.equal(200);
  });

  it('the OpenAPI 3.1 document lists every native route with its schemas and security', async () => {
    const { body: document } = await api.request('GET', '/openapi.json', { auth: null });
    expect(document.openapi).to.equal('3.1.0');
    const expected: Array<[string, string]> = [
      ['post', '/v1/statements'],
      ['post', '/v1/resolve'],
      ['get', '/v1/jobs/{id}'],
      ['get', '/v1/personas'],
      ['post', '/v1/personas'],
      ['put', '/v1/personas'],
      ['delete', '/v1/personas'],
      ['get', '/v1/personas/count'],
      ['get', '/v1/personas/by-identifier'],
      ['get', '/v1/personas/by-user'],
      ['put', '/v1/personas/by-user'],
      ['get', '/v1/personas/{id}'],
      ['put', '/v1/personas/{id}'],
      ['patch', '/v1/personas/{id}'],
      ['delete', '/v1/personas/{id}'],
      ['get', '/v1/personas/{id}/attributes'],
      ['put', '/v1/personas/{id}/attributes/{key}'],
      ['delete', '/v1/personas/{id}/attributes/{key}'],
      ['get', '/v1/attributes'],
      ['get', '/v1/identifiers'],
      ['get', '/v1/identifiers/count'],
      ['post', '/v1/identifiers'],
      ['get', '/v1/identifiers/{id}'],
      ['put', '/v1/identifiers/{id}'],
      ['delete', '/v1/identifiers/{id}'],
      ['get', '/v1/persona-links'],
      ['post', '/v1/persona-links'],
      ['get', '/v1/persona-links/{id}'],
      ['put', '/v1/persona-links/{id}'],
      ['delete', '/v1/persona-links/{id}'],
      ['post', '/v1/clients'],
      ['get', '/v1/clients'],
      ['delete', '/v1/clients/{id}'],
      ['get', '/health'],
      ['get', '/ready'],
      ['get', '/metrics'],
    ];
    for (const [method, path] of expected) expect(document.paths[path]?.[method], `${method} ${path}`).to.be.an('object');
    const create = document.paths['/v1/personas'].post;
    expect(JSON.stringify(create.requestBody)).to.include('#/components/schemas/PersonaCreate');
    expect(document.components.schemas.PersonaCreate.properties.name).to.include({ type: 'string', maxLength: 200 });
    expect(document.components.schemas.Ifi.properties.key.enum).to.deep.equal(['mbox', 'mbox_sha1sum', 'openid', 'account']);
    expect(document.components.securitySchemes).to.have.keys('basicAuth', 'bearerAuth');
    expect(create.responses['422'].content['application/json'].schema.$ref).to.equal('#/components/schemas/Error');
  });

  it('protects /metrics with METRICS_TOKEN when it is configured', async () => {
    const guarded = await startTestApi({ METRICS_TOKEN: 'scrape-me' });
    try {
      expect((await guarded.request('GET', '/metrics', { auth: null })).status).to.equal(401);
      expect((await guarded.request('GET', '/metrics', { auth: 'Bearer scrape-me' })).status).to.equal(200);
    } finally {
      await guarded.close();
    }
  });

  it('echoes a given X-Request-Id and makes one up otherwise', async () => {
    expect((await api.request('GET', '/health', { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id')).to.equal(
      'abc-123',
    );
    expect((await api.request('GET', '/health')).headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with request.route_not_found', async () => {
    const answer = await api.request('GET', '/v1/nothing-here');
    expect(answer.status).to.equal(404);
    expect(answer.body.error.code).to.equal('request.route_not_found');
  });
});
