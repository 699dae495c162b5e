// The xAPI surface's protocol rules over plain HTTP: the version header (required, answered), credentials and
// scopes, content types, whole-request rejection, PUT's statementId rules, 501 for what is not served, Learning
// Locker's forwarded "full document" body, and the queue (accepted means resolved eventually).
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { startTestApi, type TestApi } from '../http/http-support.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from '../queue/queue-support.ts';

const verb = { id: 'http://adlnet.gov/expapi/verbs/completed' };
const object = { id: 'https://example.org/course/protocol' };
const byMail = (local: string, extra: Record<string, unknown> = {}) => ({
  actor: { mbox: `mailto:${local}@protocol.example.org` },
  verb,
  object,
  ...extra,
});
const V1 = { 'X-Experience-API-Version': '1.0.3' };

describe('xAPI surface: protocol', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  const xapi = (method: string, path: string, options: Parameters<TestApi['request']>[2] = {}) =>
    api.request(method, `/xapi${path}`, { ...options, headers: { ...V1, ...options.headers } });
  const personaStatus = async (local: string) =>
    (await api.request('GET', `/v1/personas/by-identifier?mbox=mailto:${local}@protocol.example.org`)).status;

  describe('versions', () => {
    it('refuses a request without X-Experience-API-Version (400) and one naming an unserved version, answering the header anyway', async () => {
      const missing = await api.request('POST', '/xapi/statements', { body: byMail('nov') });
      expect(missing.status).to.equal(400);
      expect(missing.body.error.code).to.equal('xapi.version_required');
      expect(missing.headers.get('x-experience-api-version')).to.equal('1.0.3');
      for (const version of ['0.95', '1.1.0', '3.0.0']) {
        const answer = await api.request('POST', '/xapi/statements', {
          body: byMail('nov'),
          headers: { 'X-Experience-API-Version': version },
        });
        expect(answer.status, version).to.equal(400);
        expect(answer.body.error.code).to.equal('xapi.version_unsupported');
      }
      expect(await personaStatus('nov')).to.equal(404);
    });

    it('accepts 1.0, 1.0.x and 2.0.x; answers 2.0.0 to 2.0 clients and resolves 2.0 context agents', async () => {
      for (const version of ['1.0', '1.0.0', '1.0.3']) {
        const answer = await api.request('POST', '/xapi/statements', {
          body: byMail(`v${version.replaceAll('.', '')}`),
          headers: { 'X-Experience-API-Version': version },
        });
        expect(answer.status, version).to.equal(200);
        expect(answer.headers.get('x-experience-api-version')).to.equal('1.0.3');
      }
      const coach = {
        objectType: 'contextAgent',
        agent: { mbox: 'mailto:coach@protocol.example.org' },
        relevantTypes: ['https://example.org/types/coach'],
      };
      const answer = await api.request('POST', '/xapi/statements', {
        body: byMail('v2', { context: { contextAgents: [coach] } }),
        headers: { 'X-Experience-API-Version': '2.0.0' },
      });
      expect(answer.status).to.equal(200);
      expect(answer.headers.get('x-experience-api-version')).to.equal('2.0.0');
      expect(await personaStatus('coach')).to.equal(200);
    });

    it('serves About without credentials or version header', async () => {
      const about = await api.request('GET', '/xapi/about', { auth: null });
      expect(about.status).to.equal(200);
      expect(about.body).to.deep.equal({ version: ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '2.0.0'] });
      expect(about.headers.get('x-experience-api-version')).to.equal('1.0.3');
    });
  });

  describe('credentials and scopes', () => {
    it('answers 401 with a Basic challenge without credentials, 403 without the scope of the resource', async () => {
      const anonymous = await xapi('POST', '/statements', { body: byMail('anon'), auth: null });
      expect(anonymous.status).to.equal(401);
      expect(anonymous.headers.get('www-authenticate')).to.match(/^Basic /);
      const reader = await api.newClient({ scopes: ['personas:read'] });
      expect((await xapi('POST', '/statements', { body: byMail('anon'), auth: reader })).body.error).to.include({
        code: 'auth.insufficient_scope',
      });
      const writer = await api.newClient({ scopes: ['statements:write'] });
      const agents = await xapi(
        'GET',
        `/agents?agent=${encodeURIComponent(JSON.stringify({ mbox: 'mailto:anon@protocol.example.org' }))}`,
        { auth: writer },
      );
      expect(agents.status).to.equal(403);
      expect(await personaStatus('anon')).to.equal(404);
    });

    it("keeps organisations apart: the Person of an agent is read in the caller's organisation only", async () => {
      expect(
        (await xapi('POST', '/statements', { body: { ...byMail('own'), actor: { mbox: 'mailto:own@protocol.example.org', name: 'Own' } } }))
          .status,
      ).to.equal(200);
      const other = await api.newClient({ scopes: ['personas:read'], newOrganisation: true });
      const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:own@protocol.example.org' }));
      expect((await xapi('GET', `/agents?agent=${agent}`)).body.name).to.deep.equal(['Own']);
      expect((await xapi('GET', `/agents?agent=${agent}`, { auth: other })).body.name).to.deep.equal([]);
    });
  });

  describe('POST /xapi/statements', () => {
    it('refuses a body that is not JSON (400) and an empty array', async () => {
      const text = await xapi('POST', '/statements', { raw: JSON.stringify(byMail('txt')), headers: { 'content-type': 'text/plain' } });
      expect(text.status).to.equal(400);
      expect(text.body.error).to.include({ code: 'xapi.unsupported_content_type' });
      expect((await xapi('POST', '/statements', { body: [] })).body.error.code).to.equal('xapi.invalid_body');
      expect((await xapi('POST', '/statements', { raw: '{"actor":' })).status).to.equal(400);
      expect(await personaStatus('txt')).to.equal(404);
    });

    it('checks multipart/mixed requests as an LRS does: statements first as JSON, every part hashed, every declared attachment sent', async () => {
      const content = 'attachment body';
      const sha2 = createHash('sha256').update(content).digest('hex');
      const declared = byMail('multi', {
        attachments: [
          { usageType: 'https://example.org/usage', display: { en: 'a' }, contentType: 'text/plain', length: content.length, sha2 },
        ],
      });
      const multipart = (parts: Array<{ headers: string[]; body: string }>) => ({
        raw: parts.map((part) => `--xyz\r\n${part.headers.join('\r\n')}\r\n\r\n${part.body}\r\n`).join('') + '--xyz--\r\n',
        headers: { 'content-type': 'multipart/mixed; boundary=xyz' },
      });
      const statementsPart = { headers: ['Content-Type: application/json'], body: JSON.stringify(declared) };
      const attachmentPart = (hash: string, body = content) => ({
        headers: ['Content-Type: text/plain', 'Content-Transfer-Encoding: binary', `X-Experience-API-Hash: ${hash}`],
        body,
      });
      const refusal = async (parts: Array<{ headers: string[]; body: string }>) => {
        const answer = await xapi('POST', '/statements', multipart(parts));
        expect(answer.status).to.equal(400);
        expect(answer.body.error.code).to.equal('xapi.invalid_multipart');
        return answer.body.error.message as string;
      };
      expect(await refusal([statementsPart])).to.match(new RegExp(`no part carries the attachment with sha2 ${sha2}`));
      expect(await refusal([statementsPart, attachmentPart(sha2, 'tampered')])).to.match(/does not hash to/);
      expect(await refusal([statementsPart, { headers: ['Content-Type: text/plain'], body: content }])).to.match(
        /no X-Experience-API-Hash/,
      );
      expect(await refusal([{ headers: ['Content-Type: text/plain'], body: JSON.stringify(declared) }, attachmentPart(sha2)])).to.match(
        /first part/,
      );
      expect(await personaStatus('multi')).to.equal(404);
      const accepted = await xapi('POST', '/statements', multipart([statementsPart, attachmentPart(sha2)]));
      expect(accepted.status).to.equal(200);
      expect(await personaStatus('multi')).to.equal(200);
    });

    it('rejects the whole request when one statement is invalid, naming its index and path; nothing is resolved', async () => {
      const answer = await xapi('POST', '/statements', {
        body: [byMail('whole-1'), { ...byMail('whole-2'), actor: { mbox: 'whole-2@protocol.example.org' } }],
      });
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('xapi.statements_rejected');
      expect(answer.body.error.details).to.deep.equal([
        { path: '[1].actor.mbox', code: 'statements.invalid_ifi', message: answer.body.error.details[0].message },
      ]);
      expect(await personaStatus('whole-1')).to.equal(404);
    });

    it('rejects a batch holding one id twice (ids compare case-insensitively)', async () => {
      const id = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
      const answer = await xapi('POST', '/statements', { body: [byMail('dup-1', { id }), byMail('dup-2', { id: id.toUpperCase() })] });
      expect(answer.status).to.equal(400);
      expect(answer.body.error.details.map((entry: { path: string; code: string }) => [entry.path, entry.code])).to.deep.equal([
        ['[1].id', 'xapi.duplicate_statement_id'],
      ]);
      expect(await personaStatus('dup-1')).to.equal(404);
    });

    it('accepts Learning Locker\'s forwarded "full document" (one or an array) and resolves its statement exactly as /v1 does', async () => {
      const statement = {
        id: '5d9c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
        ...byMail('forwarded'),
        actor: { mbox: 'mailto:forwarded@protocol.example.org', name: 'Forwarded' },
      };
      const forwarded = {
        _id: '5f1e2d3c4b5a697887766554',
        lrs_id: '5f1e2d3c4b5a697887766555',
        organisation: '5f1e2d3c4b5a697887766556',
        client: '5f1e2d3c4b5a697887766557',
        statement,
        stored: '2024-01-02T03:04:05.000Z',
        timestamp: '2024-01-02T03:04:05.000Z',
        hash: 'abc',
        agents: ['mailto:forwarded@protocol.example.org'],
        person: null,
        personaIdentifier: null,
        active: true,
        voided: false,
      };
      const answer = await xapi('POST', '/statements', { body: forwarded });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal([statement.id]);
      expect((await xapi('POST', '/statements', { body: [forwarded] })).body).to.deep.equal([statement.id]);
      const again = await api.request('POST', '/v1/statements?wait=true', { body: statement });
      expect(again.body.counts).to.deep.equal({ resolved: 1, rejected: 0, personasCreated: 0, identifiersCreated: 0 });
      const persona = (await api.request('GET', '/v1/personas/by-identifier?mbox=mailto:forwarded@protocol.example.org')).body;
      expect(persona.name).to.equal('Forwarded');
      expect(again.body.results[0].agents[0].personaId).to.equal(persona.id);
    });
  });

  describe('PUT /xapi/statements', () => {
    const id = '0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f';

    it('stores one statement under statementId: 204 without a body, and resolves it', async () => {
      const answer = await xapi('PUT', `/statements?statementId=${id}`, { body: byMail('put') });
      expect(answer.status).to.equal(204);
      expect(answer.body).to.equal(null);
      expect(answer.headers.get('x-experience-api-version')).to.equal('1.0.3');
      expect(await personaStatus('put')).to.equal(200);
      expect((await xapi('PUT', `/statements?statementId=${id.toUpperCase()}`, { body: byMail('put', { id }) })).status).to.equal(204);
    });

    it('refuses a missing or malformed statementId, a differing id in the body, and an array', async () => {
      const codes = async (path: string, body: unknown) => {
        const answer = await xapi('PUT', path, { body });
        expect(answer.status, path).to.equal(400);
        return answer.body.error.code;
      };
      expect(await codes('/statements', byMail('put-bad'))).to.equal('xapi.statement_id_required');
      expect(await codes('/statements?statementId=not-a-uuid', byMail('put-bad'))).to.equal('xapi.invalid_statement_id');
      expect(await codes(`/statements?statementId=${id}`, byMail('put-bad', { id: '11111111-2222-4333-8444-555555555555' }))).to.equal(
        'xapi.statement_id_mismatch',
      );
      expect(await codes(`/statements?statementId=${id}`, [byMail('put-bad')])).to.equal('xapi.single_statement_expected');
      expect(await codes(`/statements?statementId=${id}`, { ...byMail('put-bad'), verb: {} })).to.equal('xapi.statements_rejected');
      const nullPart = await xapi('PUT', `/statements?statementId=${id}`, {
        raw: '--b\r\nContent-Type: application/json\r\n\r\nnull\r\n--b--\r\n',
        headers: { 'content-type': 'multipart/mixed; boundary=b' },
      });
      expect(nullPart.body.error.code).to.equal('xapi.invalid_body');
      expect(await personaStatus('put-bad')).to.equal(404);
    });
  });

  describe('GET /xapi/agents', () => {
    it('refuses a missing, unparseable or invalid agent with 400 naming the reason', async () => {
      expect((await xapi('GET', '/agents')).body.error.code).to.equal('xapi.agent_required');
      const bad = async (agent: string) => {
        const answer = await xapi('GET', `/agents?agent=${encodeURIComponent(agent)}`);
        expect(answer.status, agent).to.equal(400);
        expect(answer.body.error.code).to.equal('xapi.invalid_agent');
        return answer.body.error.message as string;
      };
      expect(await bad('{"mbox":')).to.match(/not JSON/);
      expect(await bad('{"mbox":"ada@example.org"}')).to.match(/mailto/);
      expect(await bad('{"mbox":"mailto:a@example.org","openid":"https://id.example.org/a"}')).to.match(/identifier/i);
      expect(await bad(JSON.stringify({ objectType: 'Group', member: [{ mbox: 'mailto:a@example.org' }] }))).to.match(/anonymous Group/);
    });

    it('finds the persona of an address from its SHA-1 and the other way round (one person, LINK_MBOX_SHA1SUM)', async () => {
      expect(
        (await xapi('POST', '/statements', { body: { ...byMail('sha'), actor: { mbox: 'mailto:sha@protocol.example.org', name: 'Sha' } } }))
          .status,
      ).to.equal(200);
      const sha1 = createHash('sha1').update('mailto:sha@protocol.example.org').digest('hex');
      const person = (await xapi('GET', `/agents?agent=${encodeURIComponent(JSON.stringify({ mbox_sha1sum: sha1 }))}`)).body;
      expect(person).to.deep.include({ name: ['Sha'], mbox: ['mailto:sha@protocol.example.org'] });
      const hidden = createHash('sha1').update('mailto:hidden@protocol.example.org').digest('hex');
      expect(
        (await xapi('POST', '/statements', { body: { ...byMail('hidden'), actor: { mbox_sha1sum: hidden, name: 'Hidden' } } })).status,
      ).to.equal(200);
      const bySha = (
        await xapi('GET', `/agents?agent=${encodeURIComponent(JSON.stringify({ mbox: 'mailto:hidden@protocol.example.org' }))}`)
      ).body;
      expect(bySha).to.deep.include({ name: ['Hidden'], mbox: [], mbox_sha1sum: [hidden] });
    });
  });

  describe('GET /v1/personas/{id}/person', () => {
    it("answers the same Person as /xapi/agents, 308 to the target's Person for a merged persona, 404 for an unknown one", async () => {
      await xapi('POST', '/statements', {
        body: [byMail('p-one'), { ...byMail('p-two'), actor: { openid: 'https://id.example.org/p-two', name: 'Two' } }],
      });
      const one = (await api.request('GET', '/v1/personas/by-identifier?mbox=mailto:p-one@protocol.example.org')).body.id;
      const two = (await api.request('GET', '/v1/personas/by-identifier?openid=https://id.example.org/p-two')).body.id;
      expect((await api.request('POST', `/v1/personas/${one}/merge`, { body: { from: [two] } })).status).to.equal(201);
      const person = await api.request('GET', `/v1/personas/${one}/person`);
      expect(person.status).to.equal(200);
      expect(person.body).to.deep.equal({
        objectType: 'Person',
        name: ['p-one@protocol.example.org', 'Two'],
        mbox: ['mailto:p-one@protocol.example.org'],
        mbox_sha1sum: [],
        openid: ['https://id.example.org/p-two'],
        account: [],
      });
      expect(
        (await xapi('GET', `/agents?agent=${encodeURIComponent(JSON.stringify({ openid: 'https://id.example.org/p-two' }))}`)).body,
      ).to.deep.equal(person.body);
      const moved = await api.request('GET', `/v1/personas/${two}/person`);
      expect(moved.status).to.equal(308);
      expect(moved.headers.get('location')).to.equal(`/v1/personas/${one}/person`);
      expect((await api.request('GET', '/v1/personas/0123456789abcdef01234567/person')).body.error.code).to.equal(
        'personas.persona_not_found',
      );
    });
  });

  describe('OpenAPI document', () => {
    it('covers /xapi and /v1/personas/{id}/person, each xAPI operation with an operationId of its own', async () => {
      const { paths } = (await api.request('GET', '/openapi.json', { auth: null })).body;
      expect(paths['/xapi/statements']).to.have.keys('get', 'post', 'put');
      expect(paths['/xapi/statements'].put.responses).to.have.property('204');
      expect(paths['/xapi/agents'].get.responses['200'].content['application/json'].schema).to.deep.equal({
        $ref: '#/components/schemas/PersonObject',
      });
      expect(paths['/xapi/about'].get.security).to.deep.equal([]);
      for (const path of ['/xapi/activities', '/xapi/activities/state', '/xapi/activities/profile', '/xapi/agents/profile'])
        expect(paths[path].get.responses).to.have.property('501');
      expect(paths['/v1/personas/{id}/person'].get.responses).to.include.keys('200', '308', '404');
      const operationIds = Object.entries(paths)
        .filter(([path]) => path.startsWith('/xapi/'))
        .flatMap(([, operations]) =>
          Object.values(operations as Record<string, { operationId?: string }>).map((operation) => operation.operationId),
        );
      expect(operationIds.every((id) => typeof id === 'string')).to.equal(true);
      expect(new Set(operationIds).size).to.equal(operationIds.length);
    });
  });

  describe('what is not served', () => {
    it('answers 501 xapi.not_implemented for reading statements and for the document resources; 404 for unknown paths', async () => {
      for (const [method, path] of [
        ['GET', '/statements?statementId=0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f'],
        ['GET', '/activities/state'],
        ['PUT', '/activities/profile'],
        ['POST', '/agents/profile'],
        ['GET', '/activities'],
      ]) {
        const answer = await xapi(method, path, { body: method === 'GET' ? undefined : {} });
        expect(answer.status, `${method} ${path}`).to.equal(501);
        expect(answer.body.error.code).to.equal('xapi.not_implemented');
        expect(answer.headers.get('x-experience-api-version')).to.equal('1.0.3');
      }
      const unknown = await xapi('GET', '/nothing-here');
      expect(unknown.status).to.equal(404);
      expect(unknown.headers.get('x-experience-api-version')).to.equal('1.0.3');
    });
  });
});

describe('xAPI surface: with the statement queue on', function () {
  this.timeout(60_000);
  let api: TestApi;
  let prefix: string;
  before(async () => {
    prefix = uniquePrefix();
    // QUEUE=auto with Redis: the API enqueues and its own worker resolves, as `npm start` runs.
    api = await startTestApi({ QUEUE: 'auto', REDIS_URL, QUEUE_PREFIX: prefix });
  });
  after(async () => {
    await api.close();
    await deletePrefix(prefix);
  });

  it('answers 200 with the ids once the statements are enqueued, and they are resolved', async () => {
    expect(api.built.statementSink.mode).to.equal('queued');
    const answer = await api.request('POST', '/xapi/statements', { body: [byMail('queued-1'), byMail('queued-2')], headers: V1 });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.have.length(2);
    for (const local of ['queued-1', 'queued-2']) {
      await waitFor(
        `${local} to be resolved`,
        async () => (await api.request('GET', `/v1/personas/by-identifier?mbox=mailto:${local}@protocol.example.org`)).status === 200,
      );
    }
  });
});
