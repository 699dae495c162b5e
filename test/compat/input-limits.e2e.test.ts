// The same limits on names and attributes on every surface (issue 11, security defects 7 and 10): the LL surface
// stored a 5,000,000-character name and a `$where` attribute key that /v1 refuses; `__proto__` as an attribute key
// was dropped by a /v1 create and kept by a PUT.
import { expect } from 'chai';
import { startCompatApp, type CompatApp } from './support/compat-app.ts';

describe('names and attributes are bounded the same on every surface', () => {
  let app: CompatApp;
  before(async () => {
    app = await startCompatApp();
  });
  after(async () => app.close());

  const codeOf = (answer: { body: any }) => answer.body?.error?.code;

  it('refuses a persona name over 200 characters on /api, the bare LL paths, /crud and uploadpersona, as on /v1', async () => {
    const huge = 'x'.repeat(5_000_000);
    const long = 'x'.repeat(201);
    expect(codeOf(await app.call('POST', '/api/v2/persona', { body: { name: huge } }))).to.equal('personas.name_too_long');
    for (const [method, path, body] of [
      ['POST', '/api/v2/persona', { name: long }],
      ['PUT', '/v2/persona', { name: long }],
      ['POST', '/crud/personas', { name: long }],
      ['POST', '/api/uploadpersona', { personaName: long, ifis: [{ key: 'mbox', value: 'long@example.org' }] }],
    ] as const) {
      const answer = await app.call(method, path, { body });
      expect([answer.status, codeOf(answer)], path).to.deep.equal([
        400,
        path === '/crud/personas' ? 'crud.invalid_persona' : 'personas.name_too_long',
      ]);
    }
    const id = (await app.call('POST', '/api/v2/persona', { body: { name: 'x'.repeat(200) } })).body._id;
    const rename = await app.call('POST', `/api/v2/persona/${id}`, { body: { name: long } });
    expect([rename.status, codeOf(rename)]).to.deep.equal([400, 'personas.name_too_long']);
    expect((await app.call('POST', '/v1/personas', { body: { name: long } })).status).to.equal(422);
  });

  it("shortens a statement agent's long name to 200 characters for its persona (the statement stays valid)", async () => {
    const name = `${'n'.repeat(199)}😀tail`;
    const resolved = await app.call('POST', '/v1/statements?wait=true', {
      body: {
        actor: { name, mbox: 'mailto:long-name@example.org' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
        object: { id: 'http://example.org/c' },
      },
    });
    expect(resolved.status).to.equal(200);
    const persona = await app.call('GET', `/v1/personas/by-identifier?mbox=${encodeURIComponent('mailto:long-name@example.org')}`);
    // The emoji's surrogate pair is not split: 199 characters remain.
    expect(persona.body.name).to.equal('n'.repeat(199));
  });

  it('refuses $-prefixed and __proto__ attribute keys and over-long values on /api and uploadpersona as on /v1', async () => {
    const personaId = (await app.call('POST', '/api/v2/persona', { body: { name: 'Keys' } })).body._id;
    for (const key of ['$where', '__proto__']) {
      const answer = await app.call('POST', '/api/v2/personaattribute', { body: { personaId, key, value: 'x' } });
      expect([answer.status, codeOf(answer)], key).to.deep.equal([422, 'attributes.invalid_key']);
    }
    const created = await app.call('POST', '/api/v2/personaattribute', { body: { personaId, key: 'ok', value: 'x' } });
    expect(created.status).to.equal(201);
    const renamed = await app.call('PATCH', `/api/v2/personaattribute/${created.body._id}`, { body: { key: '$where' } });
    expect([renamed.status, codeOf(renamed)]).to.deep.equal([422, 'attributes.invalid_key']);
    const tooLong = await app.call('POST', '/api/v2/personaattribute', { body: { personaId, key: 'bio', value: 'v'.repeat(10_001) } });
    // A value is checked by the ERM route as LL's mongoose schema checks it: 400 attributes.failed_to_validate.
    expect([tooLong.status, codeOf(tooLong)]).to.deep.equal([400, 'attributes.failed_to_validate']);
    const upload = await app.call('POST', '/api/uploadpersona', {
      body: { ifis: [{ key: 'mbox', value: 'keys@example.org' }], attributes: [{ key: '$where', value: 'x' }] },
    });
    expect([upload.status, codeOf(upload)]).to.deep.equal([400, 'attributes.invalid_key']);
  });

  it('treats __proto__ as an attribute key the same on /v1 create and PUT: refused by both', async () => {
    const create = await app.call('POST', '/v1/personas', { raw: '{"name":"Proto","attributes":{"__proto__":"x","ok":"y"}}' });
    expect(create.status).to.equal(422);
    expect(create.body.error.details.map((detail: any) => detail.code)).to.include('attributes.invalid_key');
    const id = (await app.call('POST', '/v1/personas', { body: { name: 'Proto' } })).body.id;
    const put = await app.call('PUT', `/v1/personas/${id}/attributes/__proto__`, { body: { value: 'x' } });
    expect(put.status).to.equal(422);
    expect(put.body.error.details.map((detail: any) => detail.code)).to.include('attributes.invalid_key');
  });

  it('a document the store refuses (a NUL in a field name) is 422 store.invalid_document on /crud, not a 500; nothing is stored', async () => {
    const before = (await app.call('GET', '/v1/personas/count')).body.count;
    const answer = await app.call('POST', '/crud/personas', { body: { name: 'Nul', demographics: { 'a\u0000b': 1 } } });
    expect([answer.status, codeOf(answer)], answer.text).to.deep.equal([422, 'store.invalid_document']);
    expect((await app.call('GET', '/v1/personas/count')).body.count).to.equal(before);
  });
});
