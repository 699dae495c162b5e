// A document the store cannot keep (what MongoDB refuses, refused by the embedded engine too) is the client's
// mistake: 422 `store.invalid_document` or 413 `store.document_too_large` naming the reason, never a 500, and
// nothing is written.
import { expect } from 'chai';
import { startTestApi, type TestApi } from './http-support.ts';

const nested = (levels: number): Record<string, unknown> => {
  let value: Record<string, unknown> = { leaf: true };
  for (let level = 1; level < levels; level += 1) value = { down: value };
  return value;
};

describe('HTTP: documents the store refuses', function () {
  this.timeout(60_000);
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ BODY_LIMIT: '40mb' });
  });
  after(async () => api.close());

  it('a NUL in a profile key is 422 store.invalid_document; nothing is created', async () => {
    const before = (await api.request('GET', '/v1/personas/count')).body.count;
    for (const profile of [{ 'a\u0000b': 1 }, { settings: { 'x\u0000': 1 } }]) {
      const answer = await api.request('POST', '/v1/personas', { body: { name: 'Bad profile', profile } });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(422);
      expect(answer.body.error.code).to.equal('store.invalid_document');
    }
    // Nesting past the store's 100 levels cannot reach it over HTTP: the JSON body parser stops at 64 first (the
    // store's own refusal is tested in test/store/embedded-storable.test.ts).
    const deep = await api.request('POST', '/v1/personas', { body: { name: 'Deep', profile: nested(101) } });
    expect([deep.status, deep.body.error.code]).to.deep.equal([400, 'request.json_too_deep']);
    expect((await api.request('GET', '/v1/personas/count')).body.count).to.equal(before);
  });

  it('a persona over 16 MB (with a raised BODY_LIMIT) is 413 store.document_too_large', async () => {
    const answer = await api.request('POST', '/v1/personas', { body: { name: 'Huge', profile: { blob: 'x'.repeat(17 * 1024 * 1024) } } });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).to.equal(413);
    expect(answer.body.error.code).to.equal('store.document_too_large');
  });
});
