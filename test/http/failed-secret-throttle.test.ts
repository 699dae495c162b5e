// Guessing a client's secret over HTTP (issue 11, security 3): the failed-secret budget is per key and client
// address, so an attacker sending 200 wrong secrets at once from its address gets 401s while the real client,
// presenting its right secret for the first time from another address, is answered 200 on every surface. The client
// address is the socket's (127.0.0.2 is another loopback address), or X-Forwarded-For's when TRUST_PROXY trusts it.
import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { basic, startTestApi, type Credentials, type TestApi } from './http-support.ts';

function get(baseUrl: string, path: string, headers: Record<string, string>, localAddress = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${path}`, { headers, localAddress, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end();
  });
}

const wrong = (client: Credentials, n: number) => basic({ key: client.key, secret: `wrong-${n}` });

describe('failed-secret throttle over HTTP', () => {
  let api: TestApi;
  afterEach(async () => api?.close());

  it('200 parallel wrong secrets from one address do not lock the real client out (other address)', async () => {
    api = await startTestApi();
    const client = await api.newClient({ scopes: ['personas:read'] });
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, n) => get(api.baseUrl, '/v1/personas/count', { authorization: wrong(client, n) }, '127.0.0.2')),
    );
    expect(new Set(statuses)).to.deep.equal(new Set([401]));
    const right = { authorization: basic(client) };
    expect(await get(api.baseUrl, '/v1/personas/count', right, '127.0.0.1')).to.equal(200);
    expect(await get(api.baseUrl, '/api/v2/persona/count', right, '127.0.0.1')).to.equal(200);
    expect(await get(api.baseUrl, '/crud/personas', right, '127.0.0.1')).to.equal(200);
  });

  it('behind a trusted proxy, the address is the one X-Forwarded-For names', async () => {
    api = await startTestApi({ TRUST_PROXY: 'loopback' });
    const client = await api.newClient({ scopes: ['personas:read'] });
    const attacker = { 'x-forwarded-for': '203.0.113.7' };
    await Promise.all(
      Array.from({ length: 50 }, (_, n) => get(api.baseUrl, '/api/v2/persona/count', { ...attacker, authorization: wrong(client, n) })),
    );
    expect(
      await get(api.baseUrl, '/api/v2/persona/count', { ...attacker, authorization: basic(client) }),
      "the attacker's address is spent",
    ).to.equal(401);
    expect(await get(api.baseUrl, '/api/v2/persona/count', { 'x-forwarded-for': '198.51.100.20', authorization: basic(client) })).to.equal(
      200,
    );
  });
});
