// Rate limiting per API client: past RATE_LIMIT_PER_MINUTE requests the client gets 429 request.rate_limited with
// Retry-After; another client of the same organisation is counted apart; no limit when the setting is 0.
import { expect } from 'chai';
import { startTestApi, type TestApi } from './http-support.ts';

describe('HTTP: rate limit per client', () => {
  let api: TestApi;
  afterEach(async () => {
    await api.close();
  });

  it('answers 429 with a code and Retry-After past the limit, counting each client apart', async () => {
    api = await startTestApi({ RATE_LIMIT_PER_MINUTE: '3' });
    const statuses = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await api.request('GET', '/v1/personas')).status);
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    const limited = await api.request('GET', '/v1/personas/count');
    expect(limited.status).to.equal(429);
    expect(limited.body.error.code).to.equal('request.rate_limited');
    expect(limited.headers.get('retry-after')).to.equal('60');
    const other = await api.newClient({ scopes: ['personas:read'] });
    expect((await api.request('GET', '/v1/personas', { auth: other })).status).to.equal(200);
    expect((await api.request('GET', '/health', { auth: null })).status, 'operations routes are not limited').to.equal(200);
  });

  it('does not limit when RATE_LIMIT_PER_MINUTE is 0 (the default)', async () => {
    api = await startTestApi();
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () => api.request('GET', '/v1/personas/count').then((answer) => answer.status)),
    );
    expect(new Set(statuses)).to.deep.equal(new Set([200]));
  });
});
