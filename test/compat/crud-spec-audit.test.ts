// Independent audit of `/crud/personas` against seed 000 and the spec README's mapping, black-box over the real app:
// batches are all-or-nothing also when an id repeats, `?id=` is one non-empty value, the descriptive fields round-trip
// byte for byte (edge values included), offset paging sees every persona once, search is literal over name and
// tagline only, and every error has the same `{"error": {code, message, details}}` body with a clear message.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { startCompatApp, type Answer, type CompatApp } from './support/compat-app.ts';

function expectCrudError(res: Answer, status: number, code: string, label = ''): void {
  expect(res.status, `${label} ${res.text}`).to.equal(status);
  expect(Object.keys(res.body), label).to.deep.equal(['error']);
  expect(res.body.error.code, label).to.equal(code);
  expect(res.body.error.message, label).to.be.a('string').and.match(/\S/);
  expect(res.body.error.details, label).to.be.an('array');
}

describe('/crud/personas spec audit (real app)', () => {
  let app: CompatApp;
  before(async () => {
    app = await startCompatApp();
  });
  after(async () => app.close());

  const create = async (body: unknown) => {
    const res = await app.call('POST', '/crud/personas', { body });
    expect(res.status, res.text).to.equal(201);
    return res.body;
  };

  it('a batch update naming one persona twice is refused (400 naming the repeat) and changes nothing', async () => {
    const persona = await create({ name: 'Twice', tagline: 'kept' });
    const res = await app.call('PUT', '/crud/personas', {
      body: [
        { id: persona.id, name: 'First' },
        { id: persona.id.toUpperCase(), user_role: 'Second' },
      ],
    });
    expectCrudError(res, 400, 'crud.invalid_batch');
    expect(res.body.error.details[0]).to.include({ path: '[1].id' });
    expect(res.body.error.message).to.match(/\[1\]\.id: .*\[0\]/);
    const stored = (await app.call('GET', `/crud/personas?id=${persona.id}`)).body;
    expect(stored).to.include({ name: 'Twice', tagline: 'kept', user_role: null });
  });

  it('a batch delete naming one persona twice is refused (400 naming the repeat) and deletes nothing', async () => {
    const [one, two] = await create([{ name: 'Del 1' }, { name: 'Del 2' }]);
    const res = await app.call('DELETE', '/crud/personas', { body: [{ id: one.id }, { id: two.id }, { id: one.id }] });
    expectCrudError(res, 400, 'crud.invalid_batch');
    expect(res.body.error.details[0]).to.include({ path: '[2].id' });
    expect((await app.call('GET', `/crud/personas?id=${one.id}`)).status).to.equal(200);
    expect((await app.call('GET', `/crud/personas?id=${two.id}`)).status).to.equal(200);
    const deleted = await app.call('DELETE', '/crud/personas', { body: [{ id: one.id }, { id: two.id }] });
    expect(deleted.status).to.equal(200);
    expect(deleted.body).to.deep.equal({ deleted: [one.id, two.id] });
  });

  it('`?id=` is one non-empty value: empty or repeated is a 400 naming `id`; malformed or unknown is a 404', async () => {
    const persona = await create({ name: 'Single' });
    for (const method of ['GET', 'DELETE']) {
      expectCrudError(await app.call(method, '/crud/personas?id='), 400, 'crud.invalid_parameter', `${method} empty`);
      const repeated = await app.call(method, `/crud/personas?id=${persona.id}&id=${persona.id}`);
      expectCrudError(repeated, 400, 'crud.invalid_parameter', `${method} repeated`);
      expect(repeated.body.error.details[0].path).to.equal('id');
      expectCrudError(await app.call(method, '/crud/personas?id=not-an-id'), 404, 'personas.persona_not_found', `${method} malformed`);
      expectCrudError(
        await app.call(method, `/crud/personas?id=${new ObjectId().toHexString()}`),
        404,
        'personas.persona_not_found',
        `${method} unknown`,
      );
    }
    expect((await app.call('GET', `/crud/personas?id=${persona.id}`)).status).to.equal(200);
  });

  it('round-trips the descriptive fields exactly, edge values included, and GET ?id= equals the create answer', async () => {
    const fields = {
      name: 'Édouard «Edge» 🚀',
      user_role: '  spaced role  ',
      tagline: '',
      avatar_description: 'line one\nline two\ttabbed',
      demographics: { 'dotted.key': 1, $dollar: 2, empty: {}, nothing: null, list: [[], {}, null, 1.5, -2, true] },
      psychographics: {},
      behavioral_patterns: { deep: { deeper: { deepest: { value: 'ok', ids: ['a', 'b'] } } } },
      goals_and_needs: { unicode: 'çà ✓ 中文', escaped: '"quoted" \\ backslash' },
      pain_points: { numbers: [0, 1e-7, 123456789.125, -0.5] },
      narrative: {
        chapters: [
          { title: 'One', text: 'x' },
          { title: 'Two', text: '' },
        ],
      },
    };
    const created = await create(fields);
    const got = await app.call('GET', `/crud/personas?id=${created.id}`);
    expect(got.status).to.equal(200);
    expect(got.body).to.deep.equal(created);
    const { id: _id, project_id: _project, created_at: _created, updated_at: _updated, ...echoed } = got.body;
    expect(echoed).to.deep.equal(fields);
    expect(JSON.stringify(echoed.demographics)).to.equal(JSON.stringify(fields.demographics));
    // An update that sends every field back unchanged keeps them exactly.
    const resent = await app.call('PUT', '/crud/personas', { body: { ...got.body } });
    expect(resent.status).to.equal(200);
    const { updated_at: _u1, ...before } = got.body;
    const { updated_at: _u2, ...afterResend } = resent.body;
    expect(afterResend).to.deep.equal(before);
  });

  it('offset paging visits every persona of the project once, in the order of one large page', async () => {
    await create(Array.from({ length: 23 }, (_, i) => ({ name: `Page ${i}` })));
    const all = (await app.call('GET', '/crud/personas?limit=1000')).body.map((p: any) => p.id);
    const paged: string[] = [];
    for (let offset = 0; offset < all.length + 5; offset += 4) {
      const page = await app.call('GET', `/crud/personas?limit=4&offset=${offset}`);
      expect(page.status).to.equal(200);
      expect(page.body.length).to.be.at.most(4);
      paged.push(...page.body.map((p: any) => p.id));
    }
    expect(paged).to.deep.equal(all);
  });

  it('search is a literal, case-insensitive match over name and tagline only', async () => {
    const [dotted, tagged] = await create([
      { name: 'Regex (a.b*) Rita', user_role: 'needle-role' },
      { name: 'Plain', tagline: 'Carries A NEEDLE', avatar_description: 'needle-avatar' },
    ]);
    const search = async (term: string) =>
      (await app.call('GET', `/crud/personas?search=${encodeURIComponent(term)}`)).body.map((p: any) => p.id);
    expect(await search('(A.B*)')).to.deep.equal([dotted.id]);
    expect(await search('.*')).to.deep.equal([]);
    expect(await search('needle')).to.deep.equal([tagged.id]);
    expect(await search('needle-role')).to.deep.equal([]);
  });

  it('serves the routes case-insensitively with a trailing slash, and batches answer arrays in request order', async () => {
    const batch = await app.call('POST', '/CRUD/Personas/', { body: [{ name: 'Case 1' }, { name: 'Case 2' }] });
    expect(batch.status).to.equal(201);
    expect(batch.body.map((p: any) => p.name)).to.deep.equal(['Case 1', 'Case 2']);
    const listed = await app.call('GET', '/crud/PERSONAS/?search=case');
    expect(listed.body.map((p: any) => p.name)).to.deep.equal(['Case 1', 'Case 2']);
    const updated = await app.call('PUT', '/Crud/personas/', {
      body: [
        { id: batch.body[1].id, tagline: 'b' },
        { id: batch.body[0].id, tagline: 'a' },
      ],
    });
    expect(updated.body.map((p: any) => [p.name, p.tagline])).to.deep.equal([
      ['Case 2', 'b'],
      ['Case 1', 'a'],
    ]);
    expect((await app.call('DELETE', `/crud/personas/?id=${batch.body[0].id}`)).body).to.deep.equal({ deleted: [batch.body[0].id] });
  });

  it('every refusal has the same error body with a message: 400, 401, 403, 404, 409', async () => {
    const readOnly = await app.client({ scopes: ['personas:read'], organisation: app.a.organisation });
    const withIdentifier = await create({ name: 'Has identifier' });
    await app.call('POST', '/api/v2/personaidentifier', {
      body: { ifi: { key: 'mbox', value: 'crud-audit@example.org' }, persona: withIdentifier.id },
    });
    const cases: Array<[string, Answer, number, string]> = [
      ['bad field', await app.call('POST', '/crud/personas', { body: { name: 'x', demographics: 'text' } }), 400, 'crud.invalid_persona'],
      ['no id', await app.call('PUT', '/crud/personas', { body: { name: 'x' } }), 400, 'crud.invalid_persona'],
      ['bad limit', await app.call('GET', '/crud/personas?limit=abc'), 400, 'crud.invalid_parameter'],
      ['empty batch', await app.call('DELETE', '/crud/personas', { body: [] }), 400, 'crud.invalid_batch'],
      ['no credentials', await app.call('GET', '/crud/personas', { client: null }), 401, 'auth.missing_credentials'],
      [
        'read-only writes',
        await app.call('POST', '/crud/personas', { client: readOnly, body: { name: 'x' } }),
        403,
        'auth.insufficient_scope',
      ],
      [
        'other project',
        await app.call('GET', `/crud/personas?project_id=${app.b.organisation.toHexString()}`),
        404,
        'crud.project_not_found',
      ],
      [
        'unknown persona',
        await app.call('PUT', '/crud/personas', { body: { id: new ObjectId().toHexString(), name: 'x' } }),
        404,
        'personas.persona_not_found',
      ],
      ['has identifiers', await app.call('DELETE', `/crud/personas?id=${withIdentifier.id}`), 409, 'personas.persona_has_identifiers'],
    ];
    for (const [label, res, status, code] of cases) expectCrudError(res, status, code, label);
  });

  it('the OpenAPI document describes these answers: one object or a batch, and every refusal in the CRUD error body', async () => {
    const doc = (await app.call('GET', '/openapi.json', { client: null })).body;
    const crud = doc.paths['/crud/personas'];
    const errorRef = { $ref: '#/components/schemas/CrudError' };
    for (const method of ['get', 'post', 'put', 'delete']) {
      for (const status of ['400', '401', '403', '404']) {
        expect(crud[method].responses[status]?.content?.['application/json']?.schema, `${method} ${status}`).to.deep.equal(errorRef);
      }
    }
    const created = crud.post.responses['201'].content['application/json'].schema;
    expect(created.anyOf).to.deep.include({ type: 'array', items: { $ref: '#/components/schemas/CrudPersona' } });
    expect(crud.put.requestBody.content['application/json'].schema.anyOf).to.have.length(2);
    expect(crud.delete.requestBody.content['application/json'].schema.type).to.equal('array');
    expect(doc.components.schemas.LlAttribute.required).to.include('__v');
  });
});
