// Black-box tests of Learning Locker's ERM persona attribute routes (compat spec 3.6, routes 17-22) and the index
// listing (route 29) over the real app: ERM bodies and statuses, check order, ERM query shorthands, isolation.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { startCompatApp, q, type CompatApp } from './support/compat-app.ts';

describe('LL /api persona attribute routes (real app)', () => {
  let app: CompatApp;
  let ann: string;
  before(async () => {
    app = await startCompatApp();
    ann = (await app.call('POST', '/api/v2/persona', { body: { name: 'Ann' } })).body._id;
  });
  after(async () => app.close());

  const createAttribute = (body: unknown, client = app.a) => app.call('POST', '/api/v2/personaattribute', { client, body });

  it('creates with 201 and the stored document; a second create of the same key sets its value (one value per key)', async () => {
    const res = await createAttribute({ personaId: ann, key: 'dept', value: 'sales', organisation: new ObjectId().toHexString() });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ personaId: ann, key: 'dept', value: 'sales', organisation: app.a.organisation.toHexString() });
    expect(res.body._id).to.match(/^[0-9a-f]{24}$/);
    const again = await createAttribute({ personaId: ann, key: 'dept', value: 'support' });
    expect(again.status).to.equal(201);
    expect(again.body._id).to.equal(res.body._id);
    const count = await app.call('GET', `/api/v2/personaattribute/count?query=${q({ personaId: ann, key: 'dept' })}`);
    expect(count.body).to.deep.equal({ count: 1 });
  });

  it('create errors: content type (400 missing/invalid), validation (400 naming key/value), unknown persona (404)', async () => {
    const noType = await app.call('POST', '/api/v2/personaattribute', { raw: '{}', headers: { 'content-type': '' } });
    expect(noType.body).to.include({ description: 'missing_content_type', statusCode: 400 });
    const textType = await app.call('POST', '/api/v2/personaattribute', { raw: 'x', headers: { 'content-type': 'text/plain' } });
    expect(textType.status).to.equal(400);
    expect(textType.body.description).to.equal('invalid_content_type');
    const invalid = await createAttribute({ personaId: ann });
    expect(invalid.status).to.equal(400);
    expect(invalid.body).to.include({ name: 'ValidationError', statusCode: 400 });
    expect(Object.keys(invalid.body.errors).sort()).to.deep.equal(['key', 'value']);
    const unknownPersona = await createAttribute({ personaId: new ObjectId().toHexString(), key: 'k', value: 'v' });
    expect(unknownPersona.status).to.equal(404);
    expect(unknownPersona.body.statusCode).to.equal(404);
  });

  it('ERM check order: a bad query is 400 before a missing credential is 401', async () => {
    const res = await app.call('GET', '/api/v2/personaattribute?query={bad', { client: null });
    expect(res.status).to.equal(400);
    expect(res.body).to.include({ description: 'invalid_json', statusCode: 400 });
    const unauth = await app.call('GET', '/api/v2/personaattribute', { client: null });
    expect(unauth.status).to.equal(401);
    expect(unauth.text).to.equal('Unauthorized');
  });

  it('lists with ERM query shorthands, sort, select, skip, limit; gets, shallow-gets, updates, deletes (204)', async () => {
    const bob = (await app.call('POST', '/api/v2/persona', { body: { name: 'Bob' } })).body._id;
    for (const [key, value] of [
      ['score', 10],
      ['level', 'beginner'],
      ['team', 'Blue'],
    ] as const)
      await createAttribute({ personaId: bob, key, value });
    const list = await app.call(
      'GET',
      `/api/v2/personaattribute?query=${q({ personaId: bob, key: ['level', 'team'] })}&sort=${q({ key: -1 })}&select=key,value`,
    );
    expect(list.status).to.equal(200);
    expect(list.body.map((a: any) => a.key)).to.deep.equal(['team', 'level']);
    expect(Object.keys(list.body[0]).sort()).to.deep.equal(['_id', 'key', 'value']);
    const regex = await app.call('GET', `/api/v2/personaattribute?query=${q({ personaId: bob, value: '~^blu' })}`);
    expect(regex.body.map((a: any) => a.key)).to.deep.equal(['team']);
    const paged = await app.call('GET', `/api/v2/personaattribute?query=${q({ personaId: bob })}&sort=${q({ key: 1 })}&skip=1&limit=1`);
    expect(paged.body.map((a: any) => a.key)).to.deep.equal(['score']);

    const id = list.body[0]._id;
    const got = await app.call('GET', `/api/v2/personaattribute/${id}`);
    expect(got.body).to.include({ key: 'team', value: 'Blue', personaId: bob });
    const shallow = await app.call('GET', `/api/v2/personaattribute/${id}/shallow`);
    expect(shallow.body).to.include({ _id: id, key: 'team', personaId: true, organisation: true });
    for (const method of ['POST', 'PUT', 'PATCH']) {
      const res = await app.call(method, `/api/v2/personaattribute/${id}`, { body: { value: `Green-${method}` } });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ _id: id, key: 'team', value: `Green-${method}` });
    }
    const unknown = new ObjectId().toHexString();
    const missing = await app.call('GET', `/api/v2/personaattribute/${unknown}`);
    expect(missing.status).to.equal(404);
    expect(missing.body.statusCode).to.equal(404);
    expect((await app.call('GET', '/api/v2/personaattribute/garbage')).status).to.equal(404);
    expect((await app.call('PATCH', `/api/v2/personaattribute/${unknown}`, { body: { value: 1 } })).status).to.equal(404);
    const deleted = await app.call('DELETE', `/api/v2/personaattribute/${id}`);
    expect(deleted.status).to.equal(204);
    expect((await app.call('DELETE', `/api/v2/personaattribute/${id}`)).status).to.equal(404);
  });

  it('bulk delete: refused without query (400), deletes only the matching attributes of the organisation (204)', async () => {
    const carl = (await app.call('POST', '/api/v2/persona', { body: { name: 'Carl' } })).body._id;
    for (const key of ['tmp1', 'tmp2', 'keep']) await createAttribute({ personaId: carl, key, value: 'x' });
    const refused = await app.call('DELETE', '/api/v2/personaattribute');
    expect(refused.status).to.equal(400);
    expect(refused.body.error.code).to.equal('attributes.bulk_delete_requires_query');
    const res = await app.call('DELETE', `/api/v2/personaattribute?query=${q({ personaId: carl, key: '~^tmp' })}`);
    expect(res.status).to.equal(204);
    const left = await app.call('GET', `/api/v2/personaattribute?query=${q({ personaId: carl })}`);
    expect(left.body.map((a: any) => a.key)).to.deep.equal(['keep']);
  });

  it('values are mongoose Mixed: numbers, booleans, objects and arrays are stored and returned as given, and queried deeply', async () => {
    const fay = (await app.call('POST', '/api/v2/persona', { body: { name: 'Fay' } })).body._id;
    const address = { city: 'Oslo', floors: [1, 2], door: { colour: 'red' } };
    for (const [key, value] of [
      ['address', address],
      ['tags', ['a', 'b']],
      ['age', 41],
      ['staff', true],
    ] as const) {
      const created = await createAttribute({ personaId: fay, key, value });
      expect(created.status, key).to.equal(201);
      expect(created.body.value, key).to.deep.equal(value);
    }
    // (ERM's query turns every array into $in, as in LL, so whole-object equality with arrays inside goes to the
    // connection route, whose filter is plain MongoDB JSON.)
    const byValue = await app.call('GET', `/api/connection/personaattribute?filter=${q({ personaId: { $oid: fay }, value: address })}`);
    expect(byValue.body.edges.map((edge: any) => edge.node.key)).to.deep.equal(['address']);
    const byPath = await app.call('GET', `/api/v2/personaattribute?query=${q({ personaId: fay, 'value.door.colour': 'red' })}`);
    expect(byPath.body.map((a: any) => a.value)).to.deep.equal([address]);
    const byMember = await app.call('GET', `/api/v2/personaattribute/count?query=${q({ personaId: fay, value: 'b' })}`);
    expect(byMember.body).to.deep.equal({ count: 1 });
    const personas = await app.call(
      'GET',
      `/api/connection/persona?filter=${q({ _id: { $personaIdent: { key: 'address', value: address } } })}`,
    );
    expect(personas.body.edges.map((edge: any) => edge.node._id)).to.deep.equal([fay]);
    const tagsId = (await app.call('GET', `/api/v2/personaattribute?query=${q({ personaId: fay, key: 'tags' })}`)).body[0]._id;
    const patched = await app.call('PATCH', `/api/v2/personaattribute/${tagsId}`, { body: { value: { nested: [{ deep: null }] } } });
    expect(patched.status).to.equal(200);
    expect(patched.body.value).to.deep.equal({ nested: [{ deep: null }] });
    const refused = await createAttribute({ personaId: fay, key: 'bad', value: { $where: 'sleep(1000)' } });
    expect(refused.status).to.equal(400);
    expect(refused.body.errors.value.message).to.match(/\$where/);
    expect((await app.call('PATCH', `/api/v2/personaattribute/${tagsId}`, { body: { value: null } })).status).to.equal(400);
  });

  it('an update that changes the key or persona keeps the _id and createdAt (ERM updates in place); the URL keeps answering', async () => {
    const dora = (await app.call('POST', '/api/v2/persona', { body: { name: 'Dora' } })).body._id;
    const eve = (await app.call('POST', '/api/v2/persona', { body: { name: 'Eve' } })).body._id;
    const created = (await createAttribute({ personaId: dora, key: 'colour', value: 'red' })).body;
    const renamed = await app.call('PATCH', `/api/v2/personaattribute/${created._id}`, { body: { key: 'favouriteColour' } });
    expect(renamed.status).to.equal(200);
    expect(renamed.body).to.include({
      _id: created._id,
      key: 'favouriteColour',
      value: 'red',
      personaId: dora,
      createdAt: created.createdAt,
    });
    const again = await app.call('GET', `/api/v2/personaattribute/${created._id}`);
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ key: 'favouriteColour', createdAt: created.createdAt });
    expect((await app.call('GET', `/api/v2/personaattribute/count?query=${q({ personaId: dora })}`)).body).to.deep.equal({ count: 1 });

    // Moved onto a persona that already holds the key: the moved attribute keeps its _id and replaces that value.
    const evesColour = (await createAttribute({ personaId: eve, key: 'favouriteColour', value: 'blue' })).body;
    const moved = await app.call('PUT', `/api/v2/personaattribute/${created._id}`, { body: { personaId: eve } });
    expect(moved.status).to.equal(200);
    expect(moved.body).to.include({ _id: created._id, personaId: eve, key: 'favouriteColour', value: 'red', createdAt: created.createdAt });
    expect((await app.call('GET', `/api/v2/personaattribute/${evesColour._id}`)).status).to.equal(404);
    const evesAttributes = await app.call('GET', `/api/v2/personaattribute?query=${q({ personaId: eve })}`);
    expect(evesAttributes.body.map((a: any) => a._id)).to.deep.equal([created._id]);
    expect((await app.call('GET', `/api/v2/personaattribute/count?query=${q({ personaId: dora })}`)).body).to.deep.equal({ count: 0 });
    // Onto a persona of another organisation: LL's 404 text, nothing changed.
    const theirs = (await app.call('POST', '/api/v2/persona', { client: app.b, body: { name: 'Theirs' } })).body._id;
    const foreign = await app.call('PATCH', `/api/v2/personaattribute/${created._id}`, { body: { personaId: theirs } });
    expect(foreign.status).to.equal(404);
    expect((await app.call('GET', `/api/v2/personaattribute/${created._id}`)).body.personaId).to.equal(eve);
  });

  it("isolates organisations: another organisation's attribute is 404 and never listed, counted or bulk-deleted", async () => {
    const theirPersona = (await app.call('POST', '/api/v2/persona', { client: app.b, body: { name: 'Theirs' } })).body._id;
    const theirs = (await createAttribute({ personaId: theirPersona, key: 'secret', value: 's' }, app.b)).body._id;
    expect((await app.call('GET', `/api/v2/personaattribute/${theirs}`)).status).to.equal(404);
    expect((await app.call('PATCH', `/api/v2/personaattribute/${theirs}`, { body: { value: 'x' } })).status).to.equal(404);
    expect((await app.call('DELETE', `/api/v2/personaattribute/${theirs}`)).status).to.equal(404);
    expect((await createAttribute({ personaId: theirPersona, key: 'k', value: 'v' })).status).to.equal(404);
    expect((await app.call('GET', `/api/v2/personaattribute/count?query=${q({ key: 'secret' })}`)).body.count).to.equal(0);
    expect((await app.call('DELETE', `/api/v2/personaattribute?query=${q({ key: 'secret' })}`)).status).to.equal(204);
    expect((await app.call('GET', `/api/v2/personaattribute/${theirs}`, { client: app.b })).body.value).to.equal('s');
  });

  it("route 29: lists the indexes of personaattribute ([{key, name}]) and the import models' collections (personasImports, personasImportTemplates)", async () => {
    const res = await app.call('GET', '/api/indexes/personaattribute');
    expect(res.status).to.equal(200);
    expect(res.body.map((index: any) => index.name)).to.include('organisation_1_personaId_1_key_1');
    expect(res.body.every((index: any) => Object.keys(index).join() === 'key,name')).to.equal(true);
    expect((await app.call('GET', '/api/indexes/personasimporttemplate')).body.map((index: any) => index.name)).to.include(
      'organisation_1__id_1',
    );
    expect((await app.call('GET', '/api/indexes/personasimport')).status).to.equal(200);
    expect((await app.call('GET', '/api/indexes/personaattribute', { client: null })).status).to.equal(401);
  });
});
