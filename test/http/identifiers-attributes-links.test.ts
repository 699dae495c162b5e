// /v1/identifiers (upsert, split, move, delete, list), persona attributes and /v1/attributes, /v1/persona-links.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { startTestApi, type TestApi } from './http-support.ts';

describe('HTTP: identifiers, attributes and links', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  const persona = async (name: string) => (await api.request('POST', '/v1/personas', { body: { name } })).body.id as string;

  it('POST /v1/identifiers creates on a new persona (201), answers an existing ifi with 200, splits when persona differs', async () => {
    const ifi = { key: 'account', value: { name: 'sam', homePage: 'https://lms.example.org' } };
    const created = await api.request('POST', '/v1/identifiers', { body: { ifi } });
    expect(created.status).to.equal(201);
    expect(created.headers.get('location')).to.equal(`/v1/identifiers/${created.body.id}`);
    expect(created.body.ifi).to.deep.equal({ key: 'account', value: { homePage: 'https://lms.example.org', name: 'sam' } });
    const newPersona = await api.request('GET', `/v1/personas/${created.body.persona}`);
    expect(newPersona.body.name).to.equal('sam');
    const again = await api.request('POST', '/v1/identifiers', { body: { ifi } });
    expect(again.status).to.equal(200);
    expect(again.body.id).to.equal(created.body.id);
    const other = await persona('Other Sam');
    const split = await api.request('POST', '/v1/identifiers', { body: { ifi, persona: other } });
    expect(split.status).to.equal(200);
    expect(split.body).to.include({ id: created.body.id, persona: other });
    const onPersona = await api.request('POST', '/v1/identifiers', {
      body: { ifi: { key: 'openid', value: 'https://id.example.org/sam' }, persona: other },
    });
    expect(onPersona.status).to.equal(201);
    expect(onPersona.body.persona).to.equal(other);
    const missing = await api.request('POST', '/v1/identifiers', {
      body: { ifi: { key: 'openid', value: 'https://id.example.org/x' }, persona: new ObjectId().toHexString() },
    });
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('personas.persona_not_found');
  });

  it('validates identifiers with the xAPI rules: 422 identifiers.invalid_ifi naming the path', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ifi: { key: 'mbox', value: 'not-an-email' } }, 'ifi.value'],
      [{ ifi: { key: 'mbox_sha1sum', value: 'abc' } }, 'ifi.value'],
      [{ ifi: { key: 'account', value: { name: 'x' } } }, 'ifi.value'],
      [{ ifi: { key: 'account', value: { name: 'x', homePage: 'not a url' } } }, 'ifi.value.homePage'],
      [{ ifi: { key: 'twitter', value: 'x' } }, 'ifi.key'],
    ];
    for (const [body, path] of cases) {
      const answer = await api.request('POST', '/v1/identifiers', { body });
      expect(answer.status, JSON.stringify(body)).to.equal(422);
      expect(answer.body.error.code).to.equal('identifiers.failed_to_validate');
      expect(answer.body.error.details[0], JSON.stringify(body)).to.include({ path, code: 'identifiers.invalid_ifi' });
    }
    expect(
      (await api.request('POST', '/v1/identifiers', { body: { ifi: { key: 'openid', value: 'https://x.org' }, persona: 'nope' } })).status,
    ).to.equal(422);
    expect((await api.request('POST', '/v1/identifiers', { raw: '[' })).body.error.code).to.equal('identifiers.failed_to_serialize');
  });

  it('moves, reads, lists, counts and deletes identifiers', async () => {
    const first = await persona('First');
    const second = await persona('Second');
    const { body: identifier } = await api.request('POST', '/v1/identifiers', {
      body: { ifi: { key: 'mbox', value: 'mailto:move@example.org' }, persona: first },
    });
    const moved = await api.request('PUT', `/v1/identifiers/${identifier.id}`, { body: { persona: second } });
    expect(moved.body.persona).to.equal(second);
    expect((await api.request('GET', `/v1/identifiers/${identifier.id}`)).body.persona).to.equal(second);
    expect((await api.request('GET', `/v1/identifiers?persona=${second}`)).body.data.map((row: { id: string }) => row.id)).to.deep.equal([
      identifier.id,
    ]);
    expect((await api.request('GET', '/v1/identifiers/count?ifi.key=mbox')).body.count).to.be.at.least(1);
    expect((await api.request('GET', '/v1/identifiers?ifi.value=mailto:move@example.org')).body.data).to.have.length(1);
    // Resolving the same address through statements finds the moved identifier's persona.
    const resolved = await api.request('POST', '/v1/statements', { body: statement({ mbox: 'mailto:move@example.org' }) });
    expect(resolved.body.results[0].agents[0].personaId).to.equal(second);
    expect(
      (await api.request('PUT', `/v1/identifiers/${identifier.id}`, { body: { persona: new ObjectId().toHexString() } })).status,
    ).to.equal(404);
    expect((await api.request('DELETE', `/v1/identifiers/${identifier.id}`)).status).to.equal(204);
    expect((await api.request('GET', `/v1/identifiers/${identifier.id}`)).body.error.code).to.equal('identifiers.identifier_not_found');
    expect((await api.request('DELETE', `/v1/identifiers/${identifier.id}`)).status).to.equal(404);
    expect((await api.request('GET', '/v1/identifiers/xyz')).body.error.code).to.equal('identifiers.invalid_identifier_id');
  });

  it('sets, lists, searches and deletes attributes', async () => {
    const id = await persona('Attributed');
    const created = await api.request('PUT', `/v1/personas/${id}/attributes/grade`, { body: { value: 7 } });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ persona: id, key: 'grade', value: 7 });
    const replaced = await api.request('PUT', `/v1/personas/${id}/attributes/grade`, { body: { value: 'seven' } });
    expect(replaced.status).to.equal(200);
    expect(replaced.body.id).to.equal(created.body.id);
    await api.request('PUT', `/v1/personas/${id}/attributes/active`, { body: { value: true } });
    const listed = await api.request('GET', `/v1/personas/${id}/attributes`);
    expect(listed.body.data.map((attribute: { key: string; value: unknown }) => [attribute.key, attribute.value])).to.deep.equal([
      ['active', true],
      ['grade', 'seven'],
    ]);
    const across = await api.request('GET', '/v1/attributes?key=grade&value=seven');
    expect(across.body.data.map((attribute: { persona: string }) => attribute.persona)).to.deep.equal([id]);
    expect((await api.request('GET', '/v1/attributes/count?key=grade&value=seven')).body.count).to.equal(1);
    expect((await api.request('GET', '/v1/attributes/count?key=grade&value=7')).body.count).to.equal(0);
    const outsider = await api.newClient({ newOrganisation: true });
    expect((await api.request('GET', '/v1/attributes/count?key=grade', { auth: outsider })).body.count).to.equal(0);
    expect((await api.request('PUT', `/v1/personas/${id}/attributes/grade`, { body: { value: null } })).body.error.details[0]).to.include({
      path: 'value',
      code: 'attributes.invalid_value',
    });
    expect((await api.request('PUT', `/v1/personas/${id}/attributes/grade`, { body: {} })).status).to.equal(422);
    expect(
      (await api.request('PUT', `/v1/personas/${new ObjectId().toHexString()}/attributes/grade`, { body: { value: 1 } })).status,
    ).to.equal(404);
    expect((await api.request('DELETE', `/v1/personas/${id}/attributes/grade`)).status).to.equal(204);
    expect((await api.request('DELETE', `/v1/personas/${id}/attributes/grade`)).body.error.code).to.equal('attributes.attribute_not_found');
  });

  it('attribute values are any non-null JSON value (LL Mixed): stored and returned as given, filtered and merged deeply, bounded', async () => {
    const address = { city: 'Paris', zip: '75001', lines: ['1 rue de Rivoli', { floor: 2 }] };
    const created = await api.request('POST', '/v1/personas', {
      body: { name: 'Mixed', attributes: { address, skills: ['ts', 'sql'], score: 4.5, admin: false } },
    });
    expect(created.status).to.equal(201);
    const id = created.body.id as string;
    const put = await api.request('PUT', `/v1/personas/${id}/attributes/prefs`, { body: { value: { theme: 'dark', sizes: [1, 2] } } });
    expect(put.status).to.equal(201);
    expect(put.body.value).to.deep.equal({ theme: 'dark', sizes: [1, 2] });
    const listed = await api.request('GET', `/v1/personas/${id}/attributes`);
    expect(
      Object.fromEntries(listed.body.data.map((attribute: { key: string; value: unknown }) => [attribute.key, attribute.value])),
    ).to.deep.equal({
      address,
      admin: false,
      prefs: { theme: 'dark', sizes: [1, 2] },
      score: 4.5,
      skills: ['ts', 'sql'],
    });
    // Filters compare with MongoDB's rule (as LL's queries did): an object in JSON matches an equal stored object
    // (fields in the same order, nested values deeply), a member matches an array.
    const sameAddress = encodeURIComponent(JSON.stringify({ city: 'Paris', zip: '75001', lines: ['1 rue de Rivoli', { floor: 2 }] }));
    const byAddress = await api.request('GET', `/v1/personas?search.attribute.address.eq=${sameAddress}`);
    expect(byAddress.body.data.map((persona: { id: string }) => persona.id)).to.deep.equal([id]);
    const otherAddress = encodeURIComponent(JSON.stringify({ ...address, zip: '75002' }));
    expect((await api.request('GET', `/v1/personas?search.attribute.address.eq=${otherAddress}`)).body.data).to.deep.equal([]);
    expect(
      (await api.request('GET', '/v1/personas?search.attribute.skills.eq=sql')).body.data.map((persona: { id: string }) => persona.id),
    ).to.deep.equal([id]);
    // Bounds: null, a nested operator-like key, a 10,001-character JSON value and 21 levels are refused, naming why.
    for (const [value, reason] of [
      [null, /null/],
      [{ a: { $gt: 1 } }, /\$gt/],
      [{ 'a.b': 1 }, /a\.b/],
      [Array.from({ length: 2_000 }, () => 'abcd'), /10000 characters as JSON/],
      [JSON.parse('['.repeat(21) + ']'.repeat(21)), /deeper than 20/],
    ] as const) {
      const refused = await api.request('PUT', `/v1/personas/${id}/attributes/bad`, { body: { value } });
      expect(refused.status, JSON.stringify(value).slice(0, 40)).to.equal(422);
      expect(refused.body.error.details[0]).to.include({ path: 'value', code: 'attributes.invalid_value' });
      expect(refused.body.error.details[0].message).to.match(reason);
    }
    // Merge: a deeply equal object (other key order) on both sides is no conflict; a different one is.
    const twin = (
      await api.request('POST', '/v1/personas', {
        body: { name: 'Twin', attributes: { prefs: { sizes: [1, 2], theme: 'dark' }, address: { city: 'Lyon' } } },
      })
    ).body.id;
    const merged = await api.request('POST', `/v1/personas/${id}/merge`, { body: { from: [twin] } });
    expect(merged.status).to.equal(201);
    expect(merged.body.moved.attributeConflicts).to.deep.equal([
      { source: twin, key: 'address', sourceValue: { city: 'Lyon' }, targetValue: address },
    ]);
  });

  it('creates, reads, updates, lists and deletes links; a duplicate is 409 links.link_exists', async () => {
    const id = await persona('Linked');
    const created = await api.request('POST', '/v1/persona-links', {
      body: { persona: id, recTypeName: 'company', recId: 'acme', metadata: { role: 'director' } },
    });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ persona: id, recTypeName: 'company', recId: 'acme', active: true });
    const duplicate = await api.request('POST', '/v1/persona-links', { body: { persona: id, recTypeName: 'company', recId: 'acme' } });
    expect(duplicate.status).to.equal(409);
    expect(duplicate.body.error.code).to.equal('links.link_exists');
    const updated = await api.request('PUT', `/v1/persona-links/${created.body.id}`, {
      body: { active: false, metadata: { role: 'advisor' } },
    });
    expect(updated.body).to.deep.include({ active: false, metadata: { role: 'advisor' } });
    expect((await api.request('GET', `/v1/persona-links/${created.body.id}`)).body.active).to.equal(false);
    expect((await api.request('GET', '/v1/persona-links?recTypeName=company&active=false')).body.data).to.have.length(1);
    expect((await api.request('GET', '/v1/persona-links?active=true&recTypeName=company')).body.data).to.have.length(0);
    expect((await api.request('GET', '/v1/persona-links/count?recTypeName=company&active=false')).body.count).to.equal(1);
    expect((await api.request('GET', '/v1/persona-links/count?recTypeName=company&active=true')).body.count).to.equal(0);
    const outsider = await api.newClient({ newOrganisation: true });
    expect((await api.request('GET', '/v1/persona-links/count', { auth: outsider })).body.count).to.equal(0);
    const bad = await api.request('POST', '/v1/persona-links', { body: { persona: 'x', recTypeName: '', recId: 'a' } });
    expect(bad.body.error.details.map((entry: { code: string }) => entry.code)).to.have.members([
      'links.invalid_persona',
      'links.invalid_rec_type_name',
    ]);
    expect(
      (await api.request('POST', '/v1/persona-links', { body: { persona: new ObjectId().toHexString(), recTypeName: 'a', recId: 'b' } }))
        .status,
    ).to.equal(404);
    expect((await api.request('DELETE', `/v1/persona-links/${created.body.id}`)).status).to.equal(204);
    expect((await api.request('GET', `/v1/persona-links/${created.body.id}`)).body.error.code).to.equal('links.link_not_found');
    expect((await api.request('GET', '/v1/persona-links/zzz')).body.error.code).to.equal('links.invalid_link_id');
  });
});

function statement(actor: Record<string, unknown>) {
  return { actor, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://example.org/course/1' } };
}

describe('HTTP: identifiers created over HTTP and the resolver agree', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  it('an mbox attached over HTTP claims its SHA-1: a statement with the mbox_sha1sum resolves to the same persona', async () => {
    const { createHash } = await import('node:crypto');
    const { body: persona } = await api.request('POST', '/v1/personas', {
      body: { name: 'Claimed', identifiers: [{ key: 'mbox', value: 'mailto:claim@example.org' }] },
    });
    const sha1 = createHash('sha1').update('mailto:claim@example.org').digest('hex');
    const answer = await api.request('POST', '/v1/statements', { body: statement({ mbox_sha1sum: sha1 }) });
    expect(answer.body.results[0].agents[0].personaId).to.equal(persona.id);
  });
});
