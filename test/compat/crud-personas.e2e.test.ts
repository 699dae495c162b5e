// Black-box tests of `/crud/personas` (seed 000) over the real app: list with project_id/limit/offset/search, get by
// ?id=, create/update/delete one or a batch, exact round-trip of the descriptive fields, error bodies naming the
// field, all-or-nothing batches, project and organisation isolation.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { startCompatApp, type CompatApp } from './support/compat-app.ts';

const dave = {
  name: 'Developer Dave',
  user_role: 'Primary User',
  tagline: 'Ships before lunch',
  avatar_description: 'A developer with headphones, 3/4 view',
  demographics: { age: 31, location: { city: 'Lyon', country: 'FR' }, income: null, languages: ['fr', 'en'] },
  psychographics: { motivations: ['autonomy', 'mastery'], values: { craft: 0.9 } },
  behavioral_patterns: { habits: ['keyboard shortcuts'], tech: { os: 'linux', editor: 'vim' } },
  goals_and_needs: { primary: 'fast feedback', nested: { deep: { deeper: [1, 2, { x: 'y' }] } } },
  pain_points: { slow_ci: true, 'unicode ✓': 'çà et là 🚀' },
  narrative: { background: 'Started coding at 12.', chapters: [] },
};

describe('/crud/personas (real app)', () => {
  let app: CompatApp;
  before(async () => {
    app = await startCompatApp();
  });
  after(async () => app.close());
  const project = () => app.a.organisation.toHexString();

  it('creates one persona (201) whose descriptive fields round-trip exactly through GET ?id=', async () => {
    const created = await app.call('POST', '/crud/personas', { body: { ...dave, project_id: project() } });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ project_id: project(), name: dave.name });
    expect(created.body.id).to.match(/^[0-9a-f]{24}$/);
    const got = await app.call('GET', `/crud/personas?id=${created.body.id}`);
    expect(got.status).to.equal(200);
    const { id, project_id: projectId, created_at: createdAt, updated_at: updatedAt, ...fields } = got.body;
    expect(id).to.equal(created.body.id);
    expect(projectId).to.equal(project());
    expect(createdAt).to.be.a('string');
    expect(updatedAt).to.be.a('string');
    expect(fields).to.deep.equal(dave);
    expect(JSON.stringify(fields.demographics)).to.equal(JSON.stringify(dave.demographics));
    // Absent fields read as null.
    const minimal = await app.call('POST', '/crud/personas', { body: { name: 'Minimal Min' } });
    expect(minimal.body).to.include({ tagline: null, demographics: null, user_role: null });
  });

  it('lists by project with limit (default 100), offset and search over name and tagline', async () => {
    const batch = Array.from({ length: 5 }, (_, i) => ({ name: `Batch ${i}`, tagline: i === 3 ? 'Loves Zebras' : 'plain' }));
    const created = await app.call('POST', '/crud/personas', { body: batch });
    expect(created.status).to.equal(201);
    expect(created.body.map((p: any) => p.name)).to.deep.equal(batch.map((p) => p.name));
    const all = await app.call('GET', `/crud/personas?project_id=${project()}`);
    expect(all.status).to.equal(200);
    expect(all.body.length).to.be.at.least(7);
    const page = await app.call('GET', `/crud/personas?project_id=${project()}&search=batch&limit=2&offset=1`);
    expect(page.body.map((p: any) => p.name)).to.deep.equal(['Batch 1', 'Batch 2']);
    const byTagline = await app.call('GET', '/crud/personas?search=zebra');
    expect(byTagline.body.map((p: any) => p.name)).to.deep.equal(['Batch 3']);
    const many = await app.call('POST', '/crud/personas', { body: Array.from({ length: 110 }, (_, i) => ({ name: `Bulk ${i}` })) });
    expect(many.status).to.equal(201);
    const defaulted = await app.call('GET', '/crud/personas');
    expect(defaulted.body).to.have.length(100);
    for (const bad of ['limit=0', 'limit=abc', 'offset=-1']) {
      const res = await app.call('GET', `/crud/personas?${bad}`);
      expect(res.status, bad).to.equal(400);
      expect(res.body.error.code).to.equal('crud.invalid_parameter');
      expect(res.body.error.details[0].path).to.equal(bad.split('=')[0]);
    }
  });

  it('updates one (id in the body) or a batch: given fields replace, others stay, null clears', async () => {
    const [one, two] = (
      await app.call('POST', '/crud/personas', {
        body: [
          { ...dave, name: 'U1' },
          { name: 'U2', tagline: 't2' },
        ],
      })
    ).body;
    const updated = await app.call('PUT', '/crud/personas', {
      body: { id: one.id, tagline: 'New line', demographics: { age: 40 }, narrative: null },
    });
    expect(updated.status).to.equal(200);
    expect(updated.body).to.include({ name: 'U1', tagline: 'New line', narrative: null, user_role: dave.user_role });
    expect(updated.body.demographics).to.deep.equal({ age: 40 });
    expect(updated.body.pain_points).to.deep.equal(dave.pain_points);
    const batch = await app.call('PUT', '/crud/personas', {
      body: [
        { id: one.id, name: 'U1b' },
        { id: two.id, user_role: 'Admin' },
      ],
    });
    expect(batch.status).to.equal(200);
    expect(batch.body.map((p: any) => [p.name, p.user_role])).to.deep.equal([
      ['U1b', dave.user_role],
      ['U2', 'Admin'],
    ]);
    expect((await app.call('GET', `/crud/personas?id=${two.id}`)).body.tagline).to.equal('t2');
  });

  it('bad input gets 400 naming each field and reason; a refused batch writes nothing', async () => {
    const before = (await app.call('GET', '/crud/personas?limit=1000')).body.length;
    const res = await app.call('POST', '/crud/personas', {
      body: [{ name: 'ok' }, { name: '', demographics: 'old', tagline: 5 }, { nickname: 'x' }],
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('crud.invalid_persona');
    const paths = res.body.error.details.map((detail: any) => detail.path);
    expect(paths).to.include.members(['[1].name', '[1].demographics', '[1].tagline', '[2].nickname', '[2].name']);
    expect(res.body.error.message).to.match(/\[1\]\.demographics: must be a JSON object/);
    expect((await app.call('GET', '/crud/personas?limit=1000')).body.length).to.equal(before);
    const noId = await app.call('PUT', '/crud/personas', { body: { name: 'x' } });
    expect(noId.status).to.equal(400);
    expect(noId.body.error.details[0]).to.include({ path: 'id', message: 'is required in the body' });
    const notJson = await app.call('POST', '/crud/personas', { raw: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).to.equal(400);
    const empty = await app.call('POST', '/crud/personas', { body: [] });
    expect(empty.status).to.equal(400);
    // A batch update with one unknown id changes nothing.
    const keep = (await app.call('POST', '/crud/personas', { body: { name: 'Keep' } })).body;
    const unknown = new ObjectId().toHexString();
    const partial = await app.call('PUT', '/crud/personas', {
      body: [
        { id: keep.id, name: 'Changed' },
        { id: unknown, name: 'x' },
      ],
    });
    expect(partial.status).to.equal(404);
    expect(partial.body.error.details[0].path).to.equal('[1].id');
    expect((await app.call('GET', `/crud/personas?id=${keep.id}`)).body.name).to.equal('Keep');
  });

  it('deletes by ?id= and in batch ([{id}]); unknown ids are 404 and a refused batch deletes nothing', async () => {
    const [a, b, c] = (await app.call('POST', '/crud/personas', { body: [{ name: 'D1' }, { name: 'D2' }, { name: 'D3' }] })).body;
    const one = await app.call('DELETE', `/crud/personas?id=${a.id}`);
    expect(one.status).to.equal(200);
    expect(one.body).to.deep.equal({ deleted: [a.id] });
    expect((await app.call('GET', `/crud/personas?id=${a.id}`)).status).to.equal(404);
    const refused = await app.call('DELETE', '/crud/personas', { body: [{ id: b.id }, { id: a.id }] });
    expect(refused.status).to.equal(404);
    expect((await app.call('GET', `/crud/personas?id=${b.id}`)).status).to.equal(200);
    const batch = await app.call('DELETE', '/crud/personas', { body: [{ id: b.id }, { id: c.id }] });
    expect(batch.status).to.equal(200);
    expect(batch.body.deleted).to.deep.equal([b.id, c.id]);
    expect((await app.call('DELETE', '/crud/personas')).status).to.equal(400);
    // A persona with xAPI identifiers is not deleted through this surface (409), and stays.
    const withIds = (await app.call('POST', '/crud/personas', { body: { name: 'Has ids' } })).body;
    await app.call('POST', '/api/v2/personaidentifier', { body: { ifi: { key: 'mbox', value: 'crud@example.org' }, persona: withIds.id } });
    const conflict = await app.call('DELETE', `/crud/personas?id=${withIds.id}`);
    expect(conflict.status).to.equal(409);
    expect(conflict.body.error.code).to.equal('personas.persona_has_identifiers');
    expect((await app.call('GET', `/crud/personas?id=${withIds.id}`)).status).to.equal(200);
  });

  it("project_id must be the client's organisation (404 otherwise); another organisation's personas are 404 and never listed", async () => {
    const theirs = (await app.call('POST', '/crud/personas', { client: app.b, body: { name: 'Theirs', tagline: 'secret' } })).body;
    const other = app.b.organisation.toHexString();
    expect((await app.call('GET', `/crud/personas?project_id=${other}`)).status).to.equal(404);
    expect((await app.call('GET', `/crud/personas?project_id=${new ObjectId().toHexString()}`)).status).to.equal(404);
    expect((await app.call('GET', '/crud/personas?project_id=not-a-project')).status).to.equal(404);
    const created = await app.call('POST', '/crud/personas', { body: { name: 'X', project_id: other } });
    expect(created.status).to.equal(404);
    expect(created.body.error.code).to.equal('crud.project_not_found');
    expect((await app.call('GET', `/crud/personas?id=${theirs.id}`)).status).to.equal(404);
    expect((await app.call('PUT', '/crud/personas', { body: { id: theirs.id, name: 'hijack' } })).status).to.equal(404);
    expect((await app.call('DELETE', `/crud/personas?id=${theirs.id}`)).status).to.equal(404);
    const searched = await app.call('GET', '/crud/personas?search=secret&limit=1000');
    expect(searched.body).to.deep.equal([]);
    expect((await app.call('GET', `/crud/personas?id=${theirs.id}`, { client: app.b })).body.name).to.equal('Theirs');
  });

  it('401 without credentials, 403 without the scope or with an expired organisation', async () => {
    const none = await app.call('GET', '/crud/personas', { client: null });
    expect(none.status).to.equal(401);
    expect(none.body.error.code).to.equal('auth.missing_credentials');
    const readOnly = await app.client({ scopes: ['personas:read'], organisation: app.a.organisation });
    expect((await app.call('GET', '/crud/personas', { client: readOnly })).status).to.equal(200);
    expect((await app.call('POST', '/crud/personas', { client: readOnly, body: { name: 'x' } })).status).to.equal(403);
    const expired = await app.client({ expiredOrganisation: true });
    const res = await app.call('GET', '/crud/personas', { client: expired });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('auth.organisation_expired');
  });
});
