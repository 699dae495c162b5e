// A realistic session (clients created, signed in with Basic and Bearer, wrong secrets, identifiers created, looked up
// and filtered on every surface, statements, a merge and its undo, an import, refusals) with every log line kept at
// the most verbose level: no line holds a secret (right or wrong) or a raw identifier, and no answer after creation
// holds a secret. Secrets are compared as scrypt hashes with timingSafeEqual (secret-hash.ts, client-authenticator.ts).
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { pino } from 'pino';
import { unguarded } from '../support/shard-key-guard.ts';
import { basic, startTestApi, type TestApi } from './http-support.ts';

const MBOX = 'mailto:ada.lovelace@hidden-domain.example';
const SHA1 = createHash('sha1').update('mailto:grace.hopper@hidden-domain.example').digest('hex');
const ACCOUNT = { homePage: 'https://lms.hidden-domain.example', name: 'ada-login-4471' };
const OPENID = 'https://openid.hidden-domain.example/ada-4471';
const WRONG_SECRETS = ['wrong-secret-Zq81xPv', 'Wr0ngButLongEnoughToLookReal-7731'];
/** Parts of the identifiers that must not reach a log line in any spelling (the local parts and domain alone too). */
const IDENTIFYING = ['ada.lovelace', 'grace.hopper', 'hidden-domain', SHA1, 'ada-login-4471', 'ada-4471'];

const statement = (actor: unknown) => ({
  actor,
  verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
  object: { id: 'https://example.org/course' },
});

async function session(api: TestApi, secrets: string[]) {
  const created = await api.request('POST', '/v1/clients', {
    body: { title: 'lms', scopes: ['personas:read', 'personas:write', 'statements:write', 'personas:merge'] },
  });
  expect(created.status).to.equal(201);
  const client = { key: created.body.key as string, secret: created.body.secret as string };
  secrets.push(client.secret, created.body.token);
  expect((await api.request('GET', '/v1/personas/count', { auth: client })).status).to.equal(200);
  expect((await api.request('GET', '/v1/personas/count', { auth: `Bearer ${created.body.token}` })).status).to.equal(200);
  for (const secret of WRONG_SECRETS) {
    expect((await api.request('GET', '/v1/personas/count', { auth: { key: client.key, secret } })).status).to.equal(401);
    expect((await api.request('GET', '/api/v2/persona/count', { auth: `Bearer ${client.key}.${secret}` })).status).to.equal(401);
  }
  expect((await api.request('GET', '/crud/personas', { auth: { key: 'pk_unknown', secret: client.secret } })).status).to.equal(401);

  const ada = await api.request('POST', '/v1/personas', {
    auth: client,
    body: {
      name: 'A',
      identifiers: [
        { key: 'mbox', value: MBOX },
        { key: 'account', value: ACCOUNT },
      ],
    },
  });
  const other = await api.request('POST', '/v1/personas', {
    auth: client,
    body: {
      name: 'B',
      identifiers: [
        { key: 'openid', value: OPENID },
        { key: 'mbox_sha1sum', value: SHA1 },
      ],
    },
  });
  expect([ada.status, other.status]).to.deep.equal([201, 201]);
  expect(
    (await api.request('POST', '/v1/identifiers', { auth: client, body: { persona: other.body.id, ifi: { key: 'mbox', value: MBOX } } }))
      .status,
  ).to.be.below(500);
  expect(
    (
      await api.request('POST', '/v1/statements', {
        auth: client,
        body: [
          statement({ mbox: MBOX }),
          statement({ mbox: 'mailto:ada.lovelace@@hidden-domain.example' }),
          statement({ account: ACCOUNT }),
        ],
      })
    ).status,
  ).to.equal(200);
  const xapi = { 'x-experience-api-version': '1.0.3' };
  expect(
    (await api.request('POST', '/xapi/statements', { auth: client, headers: xapi, body: statement({ openid: OPENID }) })).status,
  ).to.equal(200);
  expect(
    (
      await api.request('POST', '/xapi/statements', {
        auth: client,
        headers: xapi,
        body: statement({ mbox: 'ada.lovelace@hidden-domain.example' }),
      })
    ).status,
  ).to.equal(400);
  const lookups = [
    `/v1/personas/by-identifier?mbox=${encodeURIComponent(MBOX)}`,
    `/v1/personas/by-identifier?openid=${encodeURIComponent(OPENID)}`,
    `/v1/personas/by-user?userId=${ACCOUNT.name}&homePage=${encodeURIComponent(ACCOUNT.homePage)}`,
    `/v1/identifiers?search.ifi.value.like=ada.lovelace`,
    `/v1/personas?search=ada.lovelace`,
    `/api/v2/personaidentifier?query=${encodeURIComponent(JSON.stringify({ 'ifi.value': MBOX }))}`,
    `/api/connection/personaidentifier?filter=${encodeURIComponent(JSON.stringify({ 'ifi.value': OPENID }))}`,
    `/xapi/agents?agent=${encodeURIComponent(JSON.stringify({ mbox: MBOX }))}`,
    `/v1/personas/by-identifier?mbox_sha1sum=${SHA1}`,
  ];
  for (const path of lookups) expect((await api.request('GET', path, { auth: client, headers: xapi })).status, path).to.be.below(500);
  const merge = await api.request('POST', `/v1/personas/${ada.body.id}/merge`, { auth: client, body: { from: [other.body.id] } });
  expect(merge.status).to.equal(201);
  expect((await api.request('POST', `/v1/merges/${merge.body.id}/undo`, { auth: client })).status).to.equal(200);
  const form = new FormData();
  form.append(
    'file',
    new Blob([`email,name\nada.lovelace@hidden-domain.example,Ada\nnot an address,Bad\n`], { type: 'text/csv' }),
    'people.csv',
  );
  form.append('mapping', JSON.stringify({ columns: { email: { type: 'mbox', primary: 1 }, name: { type: 'name' } } }));
  const upload = await fetch(`${api.baseUrl}/v1/imports`, { method: 'POST', body: form, headers: { authorization: basic(client) } });
  expect(upload.status).to.equal(202);
  return client;
}

describe('secrets and identifiers never reach the logs', function () {
  this.timeout(120_000);
  const lines: string[] = [];
  let api: TestApi;
  let secrets: string[];

  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    api = await startTestApi({ LOG_LEVEL: 'trace' }, { logger: pino({ level: 'trace' }, sink) });
    secrets = [api.admin.secret, ...WRONG_SECRETS];
    await session(api, secrets);
  });
  after(async () => {
    await api?.close();
  });

  it('logs the session (the test would prove nothing over an empty log)', () => {
    expect(lines.length).to.be.above(20);
    expect(lines.join('')).to.include('/v1/personas/by-identifier?mbox=[redacted]');
  });

  it('no log line holds a secret, a token or a wrong secret', () => {
    for (const secret of secrets) {
      const leaking = lines.filter((line) => line.includes(secret) || line.includes(encodeURIComponent(secret)));
      expect(leaking, `secret ${secret.slice(0, 4)}…`).to.deep.equal([]);
    }
    expect(lines.filter((line) => /authorization|Basic [A-Za-z0-9+/=]{8,}|Bearer \S+\.\S+/i.test(line))).to.deep.equal([]);
  });

  it('no log line holds an identifier (address, SHA-1, account name, openid), raw or URL-encoded', () => {
    for (const value of IDENTIFYING) {
      const leaking = lines.filter((line) => line.toLowerCase().includes(value.toLowerCase()));
      expect(leaking, value).to.deep.equal([]);
    }
  });

  it('never answers a secret after creation, and stores only scrypt hashes', async () => {
    const answers = [await api.request('GET', '/v1/clients'), await api.request('GET', '/v1/me')];
    const stored = JSON.stringify(await unguarded(api.built.store).collection('apiClients').find({}));
    for (const secret of secrets) {
      for (const answer of answers) expect(JSON.stringify(answer.body)).to.not.include(secret);
      expect(stored).to.not.include(secret);
    }
    expect(stored).to.match(/scrypt\$16384\$8\$1\$/);
  });
});
