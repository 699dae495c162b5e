// Browser dashboards on another origin (CORS_ORIGINS, off by default: preflights with the Authorization header work
// for the listed origins only) and the request log (health, readiness and metrics probes at debug, not info).
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { basic, startTestApi, type TestApi } from './http-support.ts';

const DASHBOARD = 'https://dashboard.example.org';

function preflight(api: TestApi, path: string, origin: string) {
  return fetch(`${api.baseUrl}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
}

describe('CORS_ORIGINS', () => {
  let api: TestApi;
  afterEach(async () => api?.close());

  it('sends no CORS headers by default', async () => {
    api = await startTestApi();
    const answer = await preflight(api, '/v1/personas', DASHBOARD);
    expect(answer.headers.get('access-control-allow-origin')).to.equal(null);
    const read = await fetch(`${api.baseUrl}/v1/personas/count`, { headers: { origin: DASHBOARD, authorization: basic(api.admin) } });
    expect(read.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('answers preflights with Authorization for the listed origins on every surface, and only for them', async () => {
    api = await startTestApi({ CORS_ORIGINS: `${DASHBOARD}, https://other.example.org` });
    for (const path of ['/v1/personas', '/api/v2/persona', '/crud/personas']) {
      const answer = await preflight(api, path, DASHBOARD);
      expect(answer.status, path).to.equal(204);
      expect(answer.headers.get('access-control-allow-origin'), path).to.equal(DASHBOARD);
      expect(answer.headers.get('access-control-allow-headers')?.toLowerCase(), path).to.include('authorization');
      expect(answer.headers.get('access-control-allow-methods'), path).to.include('POST');
    }
    const created = await fetch(`${api.baseUrl}/v1/personas`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Ada' }),
      headers: { origin: DASHBOARD, authorization: basic(api.admin), 'content-type': 'application/json' },
    });
    expect(created.status).to.equal(201);
    expect(created.headers.get('access-control-allow-origin')).to.equal(DASHBOARD);
    expect(created.headers.get('access-control-expose-headers')).to.include('Location');
    const stranger = await preflight(api, '/v1/personas', 'https://evil.example.net');
    expect(stranger.headers.get('access-control-allow-origin')).to.equal(null);
  });
});

describe('CORS_ORIGINS configuration', () => {
  it('refuses an origin that is not one', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'dashboard.example.org' })).to.throw(ConfigError, /CORS_ORIGINS/);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.org/, http://localhost:3000' }).CORS_ORIGINS).to.deep.equal([
      'https://a.example.org',
      'http://localhost:3000',
    ]);
  });
});

describe('request log: probes at debug', () => {
  it('logs /health, /ready and /metrics at debug and API requests at info', async () => {
    const lines: Array<{ level: number; req?: { url: string } }> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const api = await startTestApi({}, { logger: pino({ level: 'debug' }, sink) });
    try {
      for (const path of ['/health', '/ready', '/metrics', '/health?probe=k8s', '/v1/personas/count'])
        await api.request('GET', path, { auth: null });
    } finally {
      await api.close();
    }
    const levelOf = (url: string) => lines.find((line) => line.req?.url === url)?.level;
    // Query values are redacted in the log (log-redaction.ts).
    for (const url of ['/health', '/ready', '/metrics', '/health?probe=[redacted]']) expect(levelOf(url), url).to.equal(20);
    expect(levelOf('/v1/personas/count'), 'a 401 on the API').to.equal(30);
  });
});
