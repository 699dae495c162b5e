// Every surface authenticates before it reads a request body (issue 11, security 5): an anonymous client's
// malformed or oversized body is answered 401, never 400 or 413, and is not even read — the answer comes while the
// body is still being sent.
import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { startTestApi, type TestApi } from '../http/http-support.ts';

/** Write-routes of every surface that takes a JSON body: /v1, LL's controllers and ERM routes (with and without /api), /crud. */
const ROUTES = [
  '/v1/personas',
  '/api/v2/persona',
  '/v2/persona',
  '/api/v2/personaidentifier/upsert',
  '/api/v2/personaattribute',
  '/v2/personaattribute',
  '/api/v2/personasimport',
  '/crud/personas',
];

/** Sends the headers and a first chunk of a body that never ends; resolves with the status once the server answers. */
function answerWhileBodyIsOpen(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers },
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
    request.write('{"name": "this body never ends and is not valid JSON either ');
  });
}

describe('authentication comes before the body on every surface', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ BODY_LIMIT: '1kb' });
  });
  after(async () => api.close());

  for (const path of ROUTES) {
    it(`POST ${path}: an anonymous malformed body is 401, not 400`, async () => {
      const answer = await api.request('POST', path, { raw: '{"name": ', auth: null });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(401);
    });

    it(`POST ${path}: an anonymous body over BODY_LIMIT is 401, not 413`, async () => {
      const answer = await api.request('POST', path, { raw: JSON.stringify({ name: 'x'.repeat(5000) }), auth: null });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(401);
    });

    it(`POST ${path}: an anonymous body is not read (401 while it is still being sent)`, async () => {
      expect(await answerWhileBodyIsOpen(api.baseUrl, path)).to.equal(401);
    });
  }

  it('a wrong secret is refused before the body too', async () => {
    const authorization = `Basic ${Buffer.from(`${api.admin.key}:not-the-secret`).toString('base64')}`;
    expect(await answerWhileBodyIsOpen(api.baseUrl, '/api/v2/persona', { authorization })).to.equal(401);
    expect(await answerWhileBodyIsOpen(api.baseUrl, '/crud/personas', { authorization })).to.equal(401);
  });

  it('an authenticated client still gets its body parsed and checked', async () => {
    expect((await api.request('POST', '/api/v2/persona', { raw: '{"name": ' })).status).to.equal(400);
    expect((await api.request('POST', '/crud/personas', { raw: JSON.stringify({ name: 'x'.repeat(5000) }) })).status).to.equal(413);
    expect((await api.request('POST', '/api/v2/persona', { body: { name: 'Ada' } })).status).to.equal(200);
  });
});
