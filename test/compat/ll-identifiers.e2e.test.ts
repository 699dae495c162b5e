// Black-box tests of Learning Locker's persona identifier routes (compat spec 3.4, routes 9-15) over the real app:
// create/upsert/move/delete with LL texts, mailto: fixing, invalid IFIs refused (400), list filters, isolation.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { startCompatApp, q, type CompatApp } from './support/compat-app.ts';

describe('LL /api persona identifier routes (real app)', () => {
  let app: CompatApp;
  before(async () => {
    app = await startCompatApp();
  });
  after(async () => app.close());

  const persona = async (name: string, client = app.a) =>
    (await app.call('POST', '/api/v2/persona', { client, body: { name } })).body._id as string;
  const createIdentifier = (ifi: unknown, personaId: string, client = app.a) =>
    app.call('POST', '/api/v2/personaidentifier', { client, body: { ifi, persona: personaId } });

  it('creates by POST or PUT (200, LL shape, mailto: added), and refuses an existing IFI with 400 "This model already exists"', async () => {
    const ann = await persona('Ann');
    const res = await createIdentifier({ key: 'mbox', value: 'ann@example.org' }, ann);
    expect(res.status).to.equal(200);
    expect(Object.keys(res.body).sort()).to.deep.equal(['_id', 'ifi', 'organisation', 'persona']);
    expect(res.body).to.deep.include({
      ifi: { key: 'mbox', value: 'mailto:ann@example.org' },
      persona: ann,
      organisation: app.a.organisation.toHexString(),
    });
    const put = await app.call('PUT', '/api/v2/personaIdentifier', {
      body: { ifi: { key: 'account', value: { name: 'u1', homePage: 'http://lms.example.org' } }, persona: ann },
    });
    expect(put.status).to.equal(200);
    expect(JSON.stringify(put.body.ifi.value)).to.equal(JSON.stringify({ homePage: 'http://lms.example.org', name: 'u1' }));
    const dup = await createIdentifier({ key: 'mbox', value: 'mailto:ann@example.org' }, ann);
    expect(dup.status).to.equal(400);
    expect(dup.body.message).to.equal('This model already exists');
    // The other key order is the same account: a conflict too (LL's unique index missed it).
    const swapped = await createIdentifier(
      { key: 'account', value: { homePage: 'http://lms.example.org', name: 'u1' } },
      await persona('Other'),
    );
    expect(swapped.status).to.equal(400);
    expect(swapped.body.message).to.equal('This model already exists');
  });

  it('create: 404 for a missing or unknown persona, 400 for a missing or invalid ifi (never 500)', async () => {
    const unknown = new ObjectId().toHexString();
    const noPersona = await app.call('POST', '/api/v2/personaidentifier', { body: { ifi: { key: 'mbox', value: 'x@example.org' } } });
    expect(noPersona.status).to.equal(404);
    expect(noPersona.body.message).to.equal('No model found for Persona with id undefined');
    const unknownPersona = await createIdentifier({ key: 'mbox', value: 'x@example.org' }, unknown);
    expect(unknownPersona.status).to.equal(404);
    expect(unknownPersona.body.message).to.equal(`No model found for Persona with id ${unknown}`);
    const p = await persona('Val');
    const missing = await app.call('POST', '/api/v2/personaidentifier', { body: { persona: p } });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.code).to.equal('identifiers.invalid_ifi');
    for (const ifi of [
      { key: 'mbox', value: 'mailto:not-an-address' },
      { key: 'phone', value: '123' },
      { key: 'account', value: { name: 'u' } },
      { key: 'mbox_sha1sum', value: 'xyz' },
    ]) {
      const res = await createIdentifier(ifi, p);
      expect(res.status, JSON.stringify(ifi)).to.equal(400);
      expect(res.body.message).to.match(/^ifi/);
      expect(res.body.error.details[0].path).to.match(/^ifi/);
    }
    expect((await app.call('GET', `/api/v2/personaidentifier/count?query=${q({ persona: { $oid: p } })}`)).body).to.deep.equal({
      count: 0,
    });
  });

  it('upsert: finds an existing identifier unchanged, creates one with a new persona, or creates on / moves to a given persona', async () => {
    const created = await app.call('POST', '/api/v2/personaidentifier/upsert', {
      body: { ifi: { key: 'openid', value: 'http://id.example.org/zed' } },
    });
    expect(created.status).to.equal(200);
    const newPersona = await app.call('GET', `/api/v2/persona/${created.body.persona}`);
    expect(newPersona.status).to.equal(200);
    expect(newPersona.body.name).to.be.a('string').and.not.match(/^\{/);
    const found = await app.call('POST', '/api/v2/personaidentifier/upsert', {
      body: { ifi: { key: 'openid', value: 'http://id.example.org/zed' } },
    });
    expect(found.body).to.deep.equal(created.body);
    const target = await persona('Target');
    const moved = await app.call('POST', '/api/v2/personaidentifier/upsert', {
      body: { ifi: { key: 'openid', value: 'http://id.example.org/zed' }, persona: target },
    });
    expect(moved.status).to.equal(200);
    expect(moved.body).to.include({ _id: created.body._id, persona: target });
    const unknown = new ObjectId().toHexString();
    const bad = await app.call('POST', '/api/v2/personaidentifier/upsert', {
      body: { ifi: { key: 'openid', value: 'http://id.example.org/new' }, persona: unknown },
    });
    expect(bad.status).to.equal(404);
    expect((await app.call('POST', '/api/v2/personaidentifier/upsert', { body: {} })).status).to.equal(400);
  });

  it('gets (404 "No model found for Identifier"), moves by POST/PUT/PATCH, deletes', async () => {
    const from = await persona('From');
    const to = await persona('To');
    const id = (await createIdentifier({ key: 'mbox', value: 'move@example.org' }, from)).body._id;
    expect((await app.call('GET', `/api/v2/personaidentifier/${id}`)).body.persona).to.equal(from);
    const unknown = new ObjectId().toHexString();
    const missing = await app.call('GET', `/api/v2/personaidentifier/${unknown}`);
    expect(missing.status).to.equal(404);
    expect(missing.body.message).to.equal('No model found for Identifier');
    expect((await app.call('GET', '/api/v2/personaidentifier/zzz')).status).to.equal(404);
    for (const [method, target] of [
      ['POST', to],
      ['PUT', from],
      ['PATCH', to],
    ]) {
      const res = await app.call(method, `/api/v2/personaidentifier/${id}`, {
        body: { persona: target, ifi: { key: 'mbox', value: 'ignored@example.org' } },
      });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({ _id: id, persona: target, ifi: { key: 'mbox', value: 'mailto:move@example.org' } });
    }
    const noPersona = await app.call('PATCH', `/api/v2/personaidentifier/${id}`, { body: {} });
    expect(noPersona.status).to.equal(400);
    expect(noPersona.body.message).to.equal('`persona` must be included when updating an identifier');
    const unknownPersona = await app.call('PATCH', `/api/v2/personaidentifier/${id}`, { body: { persona: unknown } });
    expect(unknownPersona.status).to.equal(404);
    expect(unknownPersona.body.message).to.equal(`No model found for Persona with id ${unknown}`);
    const unknownIdentifier = await app.call('PATCH', `/api/v2/personaidentifier/${unknown}`, { body: { persona: to } });
    expect(unknownIdentifier.status).to.equal(404);
    expect(unknownIdentifier.body.message).to.equal('No model found for Persona Identifier');
    const deleted = await app.call('DELETE', `/api/v2/personaidentifier/${id}`);
    expect(deleted.status).to.equal(200);
    const again = await app.call('DELETE', `/api/v2/personaidentifier/${id}`);
    expect(again.status).to.equal(404);
    expect(again.body.message).to.equal('No model found for Identifier');
  });

  it('lists with a persona filter (hex string), sort, limit, skip; counts with $oid queries; a non-hex persona is 400', async () => {
    const p = await persona('Lister');
    for (const value of ['l3@example.org', 'l1@example.org', 'l2@example.org']) await createIdentifier({ key: 'mbox', value }, p);
    const list = await app.call(
      'GET',
      `/api/v2/personaidentifier?filter=${q({ persona: p })}&sort=${q({ 'ifi.value': 1 })}&limit=2&skip=1`,
    );
    expect(list.status).to.equal(200);
    expect(list.body.map((i: any) => i.ifi.value)).to.deep.equal(['mailto:l2@example.org', 'mailto:l3@example.org']);
    expect(list.body[0]).to.not.have.property('locked');
    const count = await app.call('GET', `/api/v2/personaidentifier/count?query=${q({ persona: { $oid: p } })}`);
    expect(count.body).to.deep.equal({ count: 3 });
    expect((await app.call('GET', `/api/v2/personaidentifier?filter=${q({ persona: 'nothex' })}`)).status).to.equal(400);
  });

  it("isolates organisations: another organisation's identifier is 404 for every route and never listed or counted", async () => {
    const theirPersona = await persona('Theirs', app.b);
    const theirs = (await createIdentifier({ key: 'mbox', value: 'theirs@example.org' }, theirPersona, app.b)).body._id;
    const mine = await persona('Mine');
    for (const [method, path, body] of [
      ['GET', `/api/v2/personaidentifier/${theirs}`, undefined],
      ['PATCH', `/api/v2/personaidentifier/${theirs}`, { persona: mine }],
      ['DELETE', `/api/v2/personaidentifier/${theirs}`, undefined],
    ] as const) {
      expect((await app.call(method, path, { body })).status, `${method} ${path}`).to.equal(404);
    }
    // Attaching to another organisation's persona: that persona does not exist here.
    expect((await createIdentifier({ key: 'mbox', value: 'steal@example.org' }, theirPersona)).status).to.equal(404);
    // The same IFI in my organisation is a different identifier (uniqueness is per organisation).
    expect((await createIdentifier({ key: 'mbox', value: 'theirs@example.org' }, mine)).status).to.equal(200);
    const listed = await app.call('GET', `/api/v2/personaidentifier?filter=${q({ 'ifi.value': 'mailto:theirs@example.org' })}`);
    expect(listed.body).to.have.length(1);
    expect(listed.body[0].persona).to.equal(mine);
    expect((await app.call('GET', `/api/v2/personaidentifier/count?query=${q({ _id: { $oid: theirs } })}`)).body.count).to.equal(0);
  });
});
