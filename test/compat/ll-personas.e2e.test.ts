// Black-box tests of Learning Locker's persona routes and merge (compat spec 3.3, routes 1-6 and 8) over the real
// app on a temp embedded store: shapes, statuses, LL error texts, auth (401/403, expired organisation), isolation.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { startCompatApp, q, type CompatApp } from './support/compat-app.ts';

describe('LL /api persona routes (real app)', () => {
  let app: CompatApp;
  before(async () => {
    app = await startCompatApp();
  });
  after(async () => app.close());

  const create = async (name?: unknown, client = app.a) => {
    const res = await app.call('POST', '/api/v2/persona', { client, body: name === undefined ? {} : { name } });
    expect(res.status).to.equal(200);
    return res.body as { _id: string; name?: unknown; organisation: string };
  };

  it('creates by POST or PUT (200, {_id, name, organisation}); a nameless persona lists with name null', async () => {
    const ann = await create('Ann');
    expect(Object.keys(ann)).to.deep.equal(['_id', 'name', 'organisation']);
    expect(ann).to.include({ name: 'Ann', organisation: app.a.organisation.toHexString() });
    const put = await app.call('PUT', '/api/v2/persona', { body: { name: 'Bob' } });
    expect(put.status).to.equal(200);
    expect(put.body.name).to.equal('Bob');
    const nameless = await create();
    expect(nameless).to.not.have.property('name');
    const single = await app.call('GET', `/api/v2/persona/${nameless._id}`);
    expect(single.status).to.equal(200);
    expect(single.body).to.deep.equal({ _id: nameless._id, organisation: app.a.organisation.toHexString() });
    const list = await app.call('GET', `/api/v2/persona?filter=${q({ _id: { $in: [] } })}`);
    expect(list.body).to.deep.equal([]);
    const all = await app.call('GET', '/api/v2/persona');
    expect(all.body.find((p: any) => p._id === nameless._id)).to.deep.equal({
      _id: nameless._id,
      name: null,
      organisation: app.a.organisation.toHexString(),
    });
    expect(all.headers.get('cache-control')).to.equal('no-cache, no-store, must-revalidate');
    expect(all.headers.get('pragma')).to.equal('no-cache');
    expect(all.headers.get('expires')).to.equal('0');
  });

  it("serves the bare paths of LL's API process too (without /api), with the same auth and answers", async () => {
    const created = await app.call('POST', '/v2/persona', { body: { name: 'Bare' } });
    expect(created.status).to.equal(200);
    expect((await app.call('GET', `/api/v2/persona/${created.body._id}`)).body.name).to.equal('Bare');
    expect((await app.call('GET', `/v2/persona/${created.body._id}`)).body.name).to.equal('Bare');
    expect((await app.call('GET', '/connection/persona?first=1')).body.edges).to.have.length(1);
    expect((await app.call('GET', '/v2/personaIdentifier/count')).status).to.equal(200);
    expect((await app.call('GET', '/v2/persona', { client: null })).status).to.equal(401);
    // Unrelated paths still fall through to the app's own 404.
    const unknown = await app.call('GET', '/v2/nothing');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.be.a('string');
  });

  it('refuses a non-string name with 400 naming the field', async () => {
    const res = await app.call('POST', '/api/v2/persona', { body: { name: 42 } });
    expect(res.status).to.equal(400);
    expect(res.body.errorId).to.be.a('string');
    expect(res.body.message).to.match(/^name/);
    expect(res.body.error.code).to.equal('personas.invalid_name');
  });

  it('lists with filter/query, sort, limit and skip; counts with query', async () => {
    const names = ['c-1', 'c-2', 'c-3', 'c-2'];
    for (const name of names) await create(name);
    const filter = q({ name: { $regex: '^c-' } });
    const sorted = await app.call('GET', `/api/v2/persona?filter=${filter}&sort=${q({ name: -1 })}&limit=3&skip=1`);
    expect(sorted.status).to.equal(200);
    expect(sorted.body.map((p: any) => p.name)).to.deep.equal(['c-2', 'c-2', 'c-1']);
    const viaQuery = await app.call('GET', `/api/v2/persona?query=${filter}`);
    expect(viaQuery.body).to.have.length(4);
    const count = await app.call('GET', `/api/v2/persona/count?query=${filter}`);
    expect(count.body).to.deep.equal({ count: 4 });
    // count ignores `filter` (LL): everything of the organisation is counted.
    const ignored = await app.call('GET', `/api/v2/persona/count?filter=${filter}`);
    expect(ignored.body.count).to.be.greaterThan(4);
  });

  it('answers 400 for bad JSON and unsafe operators, never 500', async () => {
    for (const path of [
      '/api/v2/persona?filter={nope',
      `/api/v2/persona?filter=${q({ $where: 'true' })}`,
      `/api/v2/persona/count?query=${q({ name: { $function: {} } })}`,
      '/api/v2/persona/count?query={bad',
    ]) {
      const res = await app.call('GET', path);
      expect(res.status, path).to.equal(400);
      expect(res.body.errorId).to.be.a('string');
      expect(res.body.error.code).to.match(/^query\./);
    }
  });

  it('gets (404 LL text for unknown or malformed ids), renames by POST/PUT/PATCH, deletes', async () => {
    const p = await create('Old');
    const unknown = new ObjectId().toHexString();
    const missing = await app.call('GET', `/api/v2/persona/${unknown}`);
    expect(missing.status).to.equal(404);
    expect(missing.body.message).to.equal(`No model found for Persona with id ${unknown}`);
    expect((await app.call('GET', '/api/v2/persona/not-an-id')).status).to.equal(404);
    for (const [method, name] of [
      ['POST', 'N1'],
      ['PUT', 'N2'],
      ['PATCH', 'N3'],
    ]) {
      const res = await app.call(method, `/api/v2/persona/${p._id}`, { body: { name } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ _id: p._id, name, organisation: app.a.organisation.toHexString() });
    }
    expect((await app.call('GET', `/api/v2/persona/${p._id}`)).body.name).to.equal('N3');
    const renameMissing = await app.call('POST', `/api/v2/persona/${unknown}`, { body: { name: 'x' } });
    expect(renameMissing.status).to.equal(404);
    expect(renameMissing.body.message).to.equal(`No model found for personas with id ${unknown}`);
    const noName = await app.call('PATCH', `/api/v2/persona/${p._id}`, { body: {} });
    expect(noName.status).to.equal(400);
    const deleted = await app.call('DELETE', `/api/v2/persona/${p._id}`);
    expect(deleted.status).to.equal(200);
    expect(deleted.text).to.equal('');
    const again = await app.call('DELETE', `/api/v2/persona/${p._id}`);
    expect(again.status).to.equal(404);
    expect(again.body.message).to.equal('No model found for Persona');
  });

  it('refuses to delete a persona that has identifiers (400, LL text) and keeps it', async () => {
    const p = await create('Has ids');
    const ident = await app.call('POST', '/api/v2/personaidentifier', {
      body: { ifi: { key: 'mbox', value: 'hasids@example.org' }, persona: p._id },
    });
    expect(ident.status).to.equal(200);
    const res = await app.call('DELETE', `/api/v2/persona/${p._id}`);
    expect(res.status).to.equal(400);
    expect(res.body.message).to.equal('Persona cannot be deleted whilst it still has identifiers');
    expect((await app.call('GET', `/api/v2/persona/${p._id}`)).status).to.equal(200);
  });

  it('merges through the journaled merge: identifiers move, the source disappears, refusals are 400/404', async () => {
    const from = await create('From');
    const to = await create('To');
    const ids = [];
    for (const value of ['m1@example.org', 'm2@example.org']) {
      ids.push(
        (await app.call('POST', '/api/v2/personaidentifier', { body: { ifi: { key: 'mbox', value }, persona: from._id } })).body._id,
      );
    }
    const merged = await app.call('POST', `/api/mergepersona?mergePersonaFromId=${from._id}&mergePersonaToId=${to._id}`);
    expect(merged.status).to.equal(200);
    expect([...merged.body.identifierIds].sort()).to.deep.equal([...ids].sort());
    expect((await app.call('GET', `/api/v2/persona/${from._id}`)).status).to.equal(404);
    const moved = await app.call('GET', `/api/v2/personaidentifier?filter=${q({ persona: to._id })}`);
    expect(moved.body.map((i: any) => i._id).sort()).to.deep.equal([...ids].sort());
    // The merge is recorded where /v1 keeps merges (journaled, undoable).
    const journal = await app.built.store.collection('personaMerges').countDocuments({ organisation: app.a.organisation });
    expect(journal).to.be.greaterThan(0);

    const self = await app.call('POST', `/api/mergepersona?mergePersonaFromId=${to._id}&mergePersonaToId=${to._id}`);
    expect(self.status).to.equal(400);
    expect(self.body.error.code).to.equal('merges.merge_into_itself');
    const unknown = new ObjectId().toHexString();
    const missingTarget = await app.call('POST', `/api/mergepersona?mergePersonaFromId=${to._id}&mergePersonaToId=${unknown}`);
    expect(missingTarget.status).to.equal(404);
    expect(missingTarget.body.message).to.equal(`No model found for Persona with id ${unknown}`);
    // LL (persona-service mergePersona checks only the target): a missing or merged-away source moves nothing, 200.
    const missingSource = await app.call('POST', `/api/mergepersona?mergePersonaFromId=${unknown}&mergePersonaToId=${to._id}`);
    expect(missingSource.status).to.equal(200);
    expect(missingSource.body).to.deep.equal({ identifierIds: [] });
    const again = await app.call('POST', `/api/mergepersona?mergePersonaFromId=${from._id}&mergePersonaToId=${to._id}`);
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.equal({ identifierIds: [] });
    const stillMoved = await app.call('GET', `/api/v2/personaidentifier?filter=${q({ persona: to._id })}`);
    expect(stillMoved.body.map((i: any) => i._id).sort()).to.deep.equal([...ids].sort());
    const bothMissing = await app.call(
      'POST',
      `/api/mergepersona?mergePersonaFromId=${unknown}&mergePersonaToId=${new ObjectId().toHexString()}`,
    );
    expect(bothMissing.status).to.equal(404);
  });

  it('401 without or with wrong credentials (text Unauthorized with challenges), 403 without the scope or when the organisation expired', async () => {
    const none = await app.call('GET', '/api/v2/persona', { client: null });
    expect(none.status).to.equal(401);
    expect(none.text).to.equal('Unauthorized');
    expect(none.headers.get('www-authenticate')).to.match(/Basic realm="Users"/);
    const wrong = await app.call('GET', '/api/v2/persona', { client: { ...app.a, secret: 'wrong-secret' } });
    expect(wrong.status).to.equal(401);
    const readOnly = await app.client({ scopes: ['personas:read'], organisation: app.a.organisation });
    expect((await app.call('GET', '/api/v2/persona', { client: readOnly })).status).to.equal(200);
    const write = await app.call('POST', '/api/v2/persona', { client: readOnly, body: { name: 'x' } });
    expect(write.status).to.equal(403);
    expect(write.body.message).to.equal('Priviliges not sufficient for this operation');
    const noMerge = await app.client({ scopes: ['personas:read', 'personas:write'], organisation: app.a.organisation });
    const p1 = await create('x1');
    const p2 = await create('x2');
    expect(
      (await app.call('POST', `/api/mergepersona?mergePersonaFromId=${p1._id}&mergePersonaToId=${p2._id}`, { client: noMerge })).status,
    ).to.equal(403);
    const xapiOnly = await app.client({ scopes: ['statements:write'], organisation: app.a.organisation });
    expect((await app.call('GET', '/api/v2/persona', { client: xapiOnly })).status).to.equal(403);
    const expired = await app.client({ expiredOrganisation: true });
    const refused = await app.call('GET', '/api/v2/persona', { client: expired });
    expect(refused.status).to.equal(403);
    expect(refused.body.message).to.equal('Priviliges not sufficient for this operation');
    expect(refused.body.error.code).to.equal('auth.organisation_expired');
  });

  it("isolates organisations: another organisation's persona is 404 everywhere and never listed or counted", async () => {
    const theirs = await create('Theirs', app.b);
    const mine = await create('Mine');
    for (const [method, path, body] of [
      ['GET', `/api/v2/persona/${theirs._id}`, undefined],
      ['POST', `/api/v2/persona/${theirs._id}`, { name: 'hijack' }],
      ['DELETE', `/api/v2/persona/${theirs._id}`, undefined],
      ['POST', `/api/mergepersona?mergePersonaFromId=${mine._id}&mergePersonaToId=${theirs._id}`, undefined],
    ] as const) {
      expect((await app.call(method, path, { body })).status, `${method} ${path}`).to.equal(404);
    }
    // Another organisation's persona as the source does not exist for this caller: as LL, nothing moves (200, []).
    const foreignSource = await app.call('POST', `/api/mergepersona?mergePersonaFromId=${theirs._id}&mergePersonaToId=${mine._id}`);
    expect(foreignSource.status).to.equal(200);
    expect(foreignSource.body).to.deep.equal({ identifierIds: [] });
    const list = await app.call('GET', `/api/v2/persona?filter=${q({ organisation: theirs.organisation })}`);
    expect(list.body.map((p: any) => p._id)).to.not.include(theirs._id);
    expect(list.body.every((p: any) => p.organisation === app.a.organisation.toHexString())).to.equal(true);
    const count = await app.call('GET', `/api/v2/persona/count?query=${q({ _id: { $oid: theirs._id } })}`);
    expect(count.body).to.deep.equal({ count: 0 });
    const widened = await app.call(
      'GET',
      `/api/v2/persona/count?query=${q({ $or: [{ organisation: { $oid: theirs.organisation } }, { name: 'Theirs' }] })}`,
    );
    expect(widened.body).to.deep.equal({ count: 0 });
    expect((await app.call('GET', `/api/v2/persona/${theirs._id}`, { client: app.b })).body.name).to.equal('Theirs');
  });
});
