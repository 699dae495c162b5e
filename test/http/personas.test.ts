// /v1/personas: create (one, with identifiers and attributes, batch with mixed items), read with embeds, replace,
// merge patch, delete and its cascade rule, tombstone redirect, by-identifier and user lookups, error codes.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { startTestApi, type TestApi } from './http-support.ts';

describe('HTTP: personas', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ DEFAULT_ACCOUNT_HOMEPAGE: 'https://lms.example.org' });
  });
  after(async () => {
    await api.close();
  });

  it('creates a persona with identifiers and attributes: 201, Location, embeds', async () => {
    const answer = await api.request('POST', '/v1/personas', {
      body: {
        name: 'Ada',
        profile: { tagline: 'counts' },
        metadata: { source: 'test' },
        identifiers: [{ key: 'mbox', value: 'mailto:ada@example.org' }],
        attributes: { level: 3, cohort: 'a' },
      },
    });
    expect(answer.status).to.equal(201);
    expect(answer.headers.get('location')).to.equal(`/v1/personas/${answer.body.id}`);
    expect(answer.body).to.include({ name: 'Ada', active: true, createdBy: api.admin.key ? answer.body.createdBy : null });
    expect(answer.body.identifiers.map((identifier: { ifi: unknown }) => identifier.ifi)).to.deep.equal([
      { key: 'mbox', value: 'mailto:ada@example.org' },
    ]);
    expect(
      answer.body.attributes.map((attribute: { key: string; value: unknown }) => [attribute.key, attribute.value]),
    ).to.have.deep.members([
      ['level', 3],
      ['cohort', 'a'],
    ]);
    const read = await api.request('GET', `/v1/personas/${answer.body.id}`);
    expect(read.status).to.equal(200);
    expect(read.body.identifiers).to.have.length(1);
    expect(read.body.attributes).to.have.length(2);
    expect(read.body.links).to.deep.equal([]);
    expect(read.body.profile).to.deep.equal({ tagline: 'counts' });
  });

  it('refuses an identifier that is already assigned: 409 identifiers.identifier_exists, nothing created', async () => {
    const before = (await api.request('GET', '/v1/personas/count')).body.count;
    const answer = await api.request('POST', '/v1/personas', {
      body: { name: 'Copy', identifiers: [{ key: 'mbox', value: 'MAILTO:ada@EXAMPLE.ORG' }] },
    });
    expect(answer.status).to.equal(409);
    expect(answer.body.error.code).to.equal('identifiers.identifier_exists');
    expect((await api.request('GET', '/v1/personas/count')).body.count).to.equal(before);
  });

  it('validates: name required, too long, wrong types, unknown fields, bad identifiers, each with its path', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{}, 'name', 'personas.name_required'],
      [{ name: '   ' }, 'name', 'personas.name_required'],
      [{ name: 'x'.repeat(201) }, 'name', 'personas.name_too_long'],
      [{ name: 5 }, 'name', 'personas.invalid_name'],
      [{ name: 'a', profile: [] }, 'profile', 'personas.invalid_profile'],
      [{ name: 'a', active: 'yes' }, 'active', 'personas.invalid_active'],
      [{ name: 'a', colour: 'red' }, 'colour', 'validation.unknown_field'],
      [{ name: 'a', identifiers: [{ key: 'mbox', value: 'ada@example.org' }] }, 'identifiers[0].value', 'identifiers.invalid_ifi'],
      [{ name: 'a', identifiers: [{ key: 'phone', value: '1' }] }, 'identifiers[0].key', 'identifiers.invalid_ifi'],
      [{ name: 'a', attributes: { level: null } }, 'attributes.level', 'attributes.invalid_value'],
      [{ name: 'a', attributes: { level: { $gt: 1 } } }, 'attributes.level', 'attributes.invalid_value'],
    ];
    for (const [body, path, code] of cases) {
      const answer = await api.request('POST', '/v1/personas', { body });
      expect(answer.status, JSON.stringify(body)).to.equal(422);
      expect(answer.body.error.code).to.equal('personas.failed_to_validate');
      expect(answer.body.error.details, JSON.stringify(body)).to.deep.include.members([
        { path, code, message: answer.body.error.details.find((entry: { path: string }) => entry.path === path)?.message },
      ]);
    }
  });

  it('answers 400 personas.failed_to_serialize for unparseable JSON and 413 for oversized bodies', async () => {
    const broken = await api.request('POST', '/v1/personas', { raw: '{"name": ' });
    expect(broken.status).to.equal(400);
    expect(broken.body.error.code).to.equal('personas.failed_to_serialize');
    const small = await startTestApi({ BODY_LIMIT: '1kb' });
    try {
      const large = await small.request('POST', '/v1/personas', { body: { name: 'a', profile: { text: 'x'.repeat(2000) } } });
      expect(large.status).to.equal(413);
      expect(large.body.error.code).to.equal('request.payload_too_large');
    } finally {
      await small.close();
    }
  });

  it('creates a batch: one result per item, bad items do not block good ones', async () => {
    const answer = await api.request('POST', '/v1/personas', {
      body: [{ name: 'B1' }, { name: '' }, { name: 'B3', identifiers: [{ key: 'mbox', value: 'mailto:ada@example.org' }] }, { name: 'B4' }],
    });
    expect(answer.status).to.equal(200);
    const statuses = answer.body.results.map((result: { index: number; status: number }) => [result.index, result.status]);
    expect(statuses).to.deep.equal([
      [0, 201],
      [1, 422],
      [2, 409],
      [3, 201],
    ]);
    expect(answer.body.results[1].error.details[0]).to.include({ path: 'name', code: 'personas.name_required' });
    expect(answer.body.results[0].id).to.match(/^[0-9a-f]{24}$/);
    const tooMany = await api.request('POST', '/v1/personas', { body: Array.from({ length: 1001 }, () => ({ name: 'x' })) });
    expect(tooMany.status).to.equal(413);
    expect(tooMany.body.error.code).to.equal('request.batch_too_large');
  });

  it('batch update and batch delete', async () => {
    const created = await api.request('POST', '/v1/personas', { body: [{ name: 'U1' }, { name: 'U2' }] });
    const [first, second] = created.body.results.map((result: { id: string }) => result.id);
    const missing = new ObjectId().toHexString();
    const updated = await api.request('PUT', '/v1/personas', {
      body: [{ id: first, name: 'U1b' }, { id: missing, name: 'x' }, { id: second }],
    });
    expect(updated.body.results.map((result: { status: number }) => result.status)).to.deep.equal([200, 404, 422]);
    expect((await api.request('GET', `/v1/personas/${first}`)).body.name).to.equal('U1b');
    const deleted = await api.request('DELETE', '/v1/personas', { body: [{ id: first }, { id: 'bad' }, { id: second }] });
    expect(deleted.body.results.map((result: { status: number }) => result.status)).to.deep.equal([204, 422, 204]);
    expect((await api.request('GET', `/v1/personas/${first}`)).status).to.equal(404);
    expect((await api.request('PUT', '/v1/personas', { body: { id: first } })).status).to.equal(422);
  });

  it('PUT replaces the mutable fields; PATCH is a JSON merge patch', async () => {
    const { body: persona } = await api.request('POST', '/v1/personas', {
      body: { name: 'P', profile: { a: 1, b: { c: 2, d: 3 } }, metadata: { m: 1 } },
    });
    const patched = await api.request('PATCH', `/v1/personas/${persona.id}`, {
      body: { profile: { a: null, b: { c: 9 } }, active: false },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.status).to.equal(200);
    expect(patched.body).to.deep.include({ name: 'P', active: false, profile: { b: { c: 9, d: 3 } }, metadata: { m: 1 } });
    const cleared = await api.request('PATCH', `/v1/personas/${persona.id}`, { body: { metadata: null } });
    expect(cleared.body.metadata).to.deep.equal({});
    expect((await api.request('PATCH', `/v1/personas/${persona.id}`, { body: { name: null } })).status).to.equal(422);
    const replaced = await api.request('PUT', `/v1/personas/${persona.id}`, { body: { name: 'Q' } });
    expect(replaced.body).to.deep.include({ name: 'Q', active: true, profile: {}, metadata: {} });
    expect(new Date(replaced.body.updatedAt).getTime()).to.be.at.least(new Date(persona.updatedAt).getTime());
    expect((await api.request('PUT', `/v1/personas/${persona.id}`, { body: {} })).body.error.details[0].code).to.equal(
      'personas.name_required',
    );
  });

  it('invalid and unknown ids: 400 personas.invalid_persona_id, 404 personas.persona_not_found', async () => {
    expect((await api.request('GET', '/v1/personas/123')).body.error.code).to.equal('personas.invalid_persona_id');
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      const answer = await api.request(method, `/v1/personas/${new ObjectId().toHexString()}`, {
        body: method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' },
      });
      expect(answer.status, method).to.equal(404);
      expect(answer.body.error.code).to.equal('personas.persona_not_found');
    }
  });

  it('DELETE is refused while identifiers are attached unless ?cascade=true, which removes everything of the persona', async () => {
    const { body: persona } = await api.request('POST', '/v1/personas', {
      body: { name: 'D', identifiers: [{ key: 'openid', value: 'https://id.example.org/d' }], attributes: { k: 'v' } },
    });
    await api.request('POST', '/v1/persona-links', { body: { persona: persona.id, recTypeName: 'lms-user', recId: 'd' } });
    const refused = await api.request('DELETE', `/v1/personas/${persona.id}`);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('personas.persona_has_identifiers');
    expect((await api.request('DELETE', `/v1/personas/${persona.id}?cascade=maybe`)).body.error.code).to.equal('query.invalid_parameter');
    expect((await api.request('DELETE', `/v1/personas/${persona.id}?cascade=true`)).status).to.equal(204);
    expect((await api.request('GET', '/v1/identifiers?ifi.value=https://id.example.org/d')).body.data).to.deep.equal([]);
    expect(
      (await api.request('GET', '/v1/attributes?key=k')).body.data.filter(
        (attribute: { persona: string }) => attribute.persona === persona.id,
      ),
    ).to.deep.equal([]);
    expect((await api.request('GET', `/v1/persona-links?persona=${persona.id}`)).body.data).to.deep.equal([]);
    const { body: bare } = await api.request('POST', '/v1/personas', { body: { name: 'No identifiers' } });
    expect((await api.request('DELETE', `/v1/personas/${bare.id}`)).status).to.equal(204);
  });

  it('a merged persona answers 308 to the persona it was merged into; writes to it are 409', async () => {
    const { body: target } = await api.request('POST', '/v1/personas', { body: { name: 'Target' } });
    const { body: source } = await api.request('POST', '/v1/personas', { body: { name: 'Source' } });
    await api.built.store
      .collection('personas')
      .updateOne(
        { _id: new ObjectId(source.id), organisation: new ObjectId(api.admin.organisation) },
        { $set: { mergedInto: new ObjectId(target.id) } },
      );
    const read = await api.request('GET', `/v1/personas/${source.id}`);
    expect(read.status).to.equal(308);
    expect(read.headers.get('location')).to.equal(`/v1/personas/${target.id}`);
    expect(read.body.error.code).to.equal('personas.persona_merged');
    expect((await api.request('PUT', `/v1/personas/${source.id}`, { body: { name: 'x' } })).body.error.code).to.equal(
      'personas.persona_is_tombstone',
    );
    const listed = await api.request('GET', '/v1/personas?limit=100&search.name.eq=Source');
    expect(listed.body.data).to.deep.equal([]);
  });

  it('by-identifier finds the owner of mbox, mbox_sha1sum, openid and account identifiers', async () => {
    const { body: persona } = await api.request('POST', '/v1/personas', {
      body: {
        name: 'Lookup',
        identifiers: [
          { key: 'mbox', value: 'mailto:look@example.org' },
          { key: 'mbox_sha1sum', value: 'A'.repeat(40) },
          { key: 'openid', value: 'https://id.example.org/look' },
          { key: 'account', value: { name: 'look', homePage: 'https://lms.example.org' } },
        ],
      },
    });
    for (const query of [
      'mbox=MAILTO:look@EXAMPLE.org',
      `mbox_sha1sum=${'a'.repeat(40)}`,
      'openid=https://id.example.org/look',
      'account.homePage=https://lms.example.org&account.name=look',
    ]) {
      const answer = await api.request('GET', `/v1/personas/by-identifier?${query}`);
      expect(answer.status, query).to.equal(200);
      expect(answer.body.id).to.equal(persona.id);
      expect(answer.body.identifiers).to.have.length(4);
    }
    expect((await api.request('GET', '/v1/personas/by-identifier?mbox=mailto:nobody@example.org')).body.error.code).to.equal(
      'personas.persona_not_found',
    );
    for (const query of ['', 'mbox=nope', 'mbox=mailto:a@b.org&openid=https://x.org', 'account.name=x', 'phone=1']) {
      const answer = await api.request('GET', `/v1/personas/by-identifier?${query}`);
      expect(answer.status, query).to.equal(400);
      expect(answer.body.error.code).to.equal('query.invalid_parameter');
    }
  });

  it('the first published path /v1/personas/user/{userId} redirects (308) to by-user with its homePage', async () => {
    const get = await api.request('GET', '/v1/personas/user/u%2042?homePage=https://lms.example.org');
    expect(get.status).to.equal(308);
    expect(get.headers.get('location')).to.equal('/v1/personas/by-user?userId=u+42&homePage=https%3A%2F%2Flms.example.org');
    const put = await api.request('PUT', '/v1/personas/user/u-9', { body: { name: 'Nine' } });
    expect(put.status).to.equal(308);
    expect(put.headers.get('location')).to.equal('/v1/personas/by-user?userId=u-9');
    expect((await api.request('DELETE', '/v1/personas/user/u-9')).status).to.equal(404);
  });

  it('by-user?userId=: default homePage, explicit homePage, 409 when ambiguous, PUT replaces or creates', async () => {
    const created = await api.request('PUT', '/v1/personas/by-user?userId=u-1', { body: { name: 'User One' } });
    expect(created.status).to.equal(201);
    const read = await api.request('GET', '/v1/personas/by-user?userId=u-1');
    expect(read.body).to.include({ id: created.body.id, name: 'User One' });
    expect(read.body.identifiers[0].ifi).to.deep.equal({ key: 'account', value: { homePage: 'https://lms.example.org', name: 'u-1' } });
    const replaced = await api.request('PUT', '/v1/personas/by-user?userId=u-1', { body: { name: 'User 1' } });
    expect(replaced.status).to.equal(200);
    expect(replaced.body.name).to.equal('User 1');
    await api.request('POST', '/v1/personas', {
      body: { name: 'Other u-1', identifiers: [{ key: 'account', value: { homePage: 'https://other.example.org', name: 'u-1' } }] },
    });
    expect((await api.request('GET', '/v1/personas/by-user?userId=u-1&homePage=https://other.example.org')).body.name).to.equal(
      'Other u-1',
    );
    expect((await api.request('GET', '/v1/personas/by-user?userId=u-404')).status).to.equal(404);
    const withoutUser = await api.request('GET', '/v1/personas/by-user?homePage=https://lms.example.org');
    expect(withoutUser.status).to.equal(400);
    expect(withoutUser.body.error).to.include({ code: 'query.invalid_parameter' });
    expect(withoutUser.body.error.message).to.include('userId');

    const noDefault = await startTestApi();
    try {
      for (const homePage of ['https://a.example.org', 'https://b.example.org']) {
        await noDefault.request('POST', '/v1/personas', {
          body: { name: homePage, identifiers: [{ key: 'account', value: { homePage, name: 'dup' } }] },
        });
      }
      const ambiguous = await noDefault.request('GET', '/v1/personas/by-user?userId=dup');
      expect(ambiguous.status).to.equal(409);
      expect(ambiguous.body.error.code).to.equal('personas.user_ambiguous');
      expect(ambiguous.body.error.details).to.have.length(2);
      expect((await noDefault.request('PUT', '/v1/personas/by-user?userId=new-user', { body: { name: 'x' } })).body.error.code).to.equal(
        'personas.user_home_page_required',
      );
    } finally {
      await noDefault.close();
    }
  });
});
