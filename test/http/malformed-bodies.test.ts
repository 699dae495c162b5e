// Client mistakes in bodies and filters are 4xx with a stable code on every surface, never a 500 (issue 11, security
// defects 6 and 10): dotted `__proto__` filter paths, JSON nested 10,000 deep or with 100,000 keys, a corrupt gzip
// body, an unknown charset or content encoding, invalid UTF-8.
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { startCompatApp, q, type CompatApp } from '../compat/support/compat-app.ts';

/** One JSON write route per surface, with a body builder that puts JSON text where a client's free-form object goes. */
const WRITE_ROUTES: Array<{ path: string; body(json: string): string }> = [
  { path: '/v1/personas', body: (json) => `{"name":"deep","profile":${json}}` },
  { path: '/api/v2/persona', body: (json) => `{"name":"deep","extra":${json}}` },
  { path: '/v2/persona', body: (json) => `{"name":"deep","extra":${json}}` },
  { path: '/crud/personas', body: (json) => `{"name":"deep","demographics":${json}}` },
];

/** JSON text of objects nested `depth` deep (built as text: JSON.stringify itself overflows at 10,000 levels). */
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;

describe('malformed bodies and filters answer 4xx with a code on every surface', () => {
  let app: CompatApp;
  before(async () => {
    app = await startCompatApp();
  });
  after(async () => app.close());

  const errorCode = (body: any) => body?.error?.code;

  it('refuses JSON nested 10,000 deep or an object of 100,000 keys (400 request.json_too_deep / json_too_many_keys)', async () => {
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 100_000 }, (_, index) => [`k${index}`, index])));
    for (const route of WRITE_ROUTES) {
      const deep = await app.call('POST', route.path, { raw: route.body(nested(10_000)) });
      expect(deep.status, route.path).to.equal(400);
      expect(errorCode(deep.body), route.path).to.equal('request.json_too_deep');
      const tooWide = await app.call('POST', route.path, { raw: route.body(wide) });
      expect(tooWide.status, route.path).to.equal(400);
      expect(errorCode(tooWide.body), route.path).to.equal('request.json_too_many_keys');
    }
    // 60 levels is fine: the limit is not in the way of ordinary documents.
    expect((await app.call('POST', '/v1/personas', { raw: `{"name":"ok","profile":${nested(60)}}` })).status).to.equal(201);
  });

  it('refuses a corrupt gzip body, an unknown content encoding or charset, and invalid UTF-8', async () => {
    for (const route of WRITE_ROUTES) {
      const json = route.body('{"x":1}');
      const notGzip = await app.call('POST', route.path, { raw: json, headers: { 'content-encoding': 'gzip' } });
      expect([notGzip.status, errorCode(notGzip.body)], route.path).to.deep.equal([400, 'request.invalid_content_encoding']);
      const unknownEncoding = await app.call('POST', route.path, { raw: json, headers: { 'content-encoding': 'br2' } });
      expect([unknownEncoding.status, errorCode(unknownEncoding.body)], route.path).to.deep.equal([
        415,
        'request.unsupported_content_encoding',
      ]);
      const charset = await app.call('POST', route.path, { raw: json, headers: { 'content-type': 'application/json; charset=klingon' } });
      expect([charset.status, errorCode(charset.body)], route.path).to.deep.equal([415, 'request.unsupported_charset']);
      // "name": "Zo\xC3" — a truncated two-byte sequence, which body-parser would have stored as U+FFFD.
      const invalidUtf8 = Buffer.concat([Buffer.from('{"name":"Zo'), Buffer.from([0xc3]), Buffer.from('"}')]);
      const utf8 = await app.call('POST', route.path, { raw: invalidUtf8 });
      expect([utf8.status, errorCode(utf8.body)], route.path).to.deep.equal([400, 'request.invalid_unicode']);
    }
    const gzipped = await app.call('POST', '/v1/personas', {
      raw: gzipSync(JSON.stringify({ name: 'Zoë' })),
      headers: { 'content-encoding': 'gzip' },
    });
    expect(gzipped.status).to.equal(201);
    expect(gzipped.body.name).to.equal('Zoë');
  });

  it('refuses dotted __proto__ paths in LL filters and /v1 search fields with 400 query.invalid_filter', async () => {
    for (const path of [
      `/api/v2/persona?query=${q({ 'a.__proto__.polluted': 'yes' })}`,
      `/api/v2/persona?filter=${q({ $or: [{ 'name.__proto__': 'x' }] })}`,
      `/api/connection/persona?filter=${q({ 'a.__proto__.b': 1 })}`,
      '/v1/personas?search.metadata.__proto__.eq=x',
      '/v1/personas/count?search.metadata.a.__proto__.eq=x',
    ]) {
      const res = await app.call('GET', path);
      expect(res.status, path).to.equal(400);
      expect(errorCode(res.body), path).to.equal('query.invalid_filter');
    }
  });
});
