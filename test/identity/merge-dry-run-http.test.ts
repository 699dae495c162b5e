// POST /v1/personas/{id}/merge?dryRun=true (the admin app's merge preview): answers exactly what the merge then
// moves, conflicts included, writes nothing, and refuses what the merge refuses, with the same codes.
import { expect } from 'chai';
import { createLink, createPersona, expectError, mboxIfi, startTestApi, unknownId, type TestApi } from './support/identity-api.ts';

describe('HTTP: merge dry run', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  /** A target, two sources that conflict with the target and with each other, and an older merge into a source. */
  async function scene() {
    const target = await createPersona(api, {
      name: 'Tess',
      identifiers: [mboxIfi(`tess-${Math.random()}@example.org`)],
      attributes: { team: 'red' },
    });
    const first = await createPersona(api, {
      name: 'Tess B',
      identifiers: [mboxIfi(`tess.b-${Math.random()}@example.org`)],
      attributes: { team: 'blue', level: 3 },
    });
    const second = await createPersona(api, {
      name: 'Tess C',
      identifiers: [mboxIfi(`tess.c-${Math.random()}@example.org`)],
      attributes: { level: 4, city: 'York' },
    });
    const older = await createPersona(api, { name: 'Tess D', identifiers: [mboxIfi(`tess.d-${Math.random()}@example.org`)] });
    expect((await api.request('POST', `/v1/personas/${first}/merge`, { body: { from: [older] } })).status).to.equal(201);
    await createLink(api, target, 'lms-user', 'u-1');
    await createLink(api, first, 'lms-user', 'u-1');
    await createLink(api, second, 'lms-user', 'u-2');
    return { target, first, second, older };
  }

  it('answers 200 with what the merge then moves, attribute and link conflicts included, in the same order', async () => {
    const { target, first, second, older } = await scene();
    const preview = await api.request('POST', `/v1/personas/${target}/merge?dryRun=true`, { body: { from: [first, second] } });
    expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
    expect(preview.body).to.include({ dryRun: true, target });
    expect(preview.body.moved.attributeConflicts).to.deep.equal([
      { source: first, key: 'team', sourceValue: 'blue', targetValue: 'red' },
      // level moved from the first source, so the second's level conflicts with the value the first brought.
      { source: second, key: 'level', sourceValue: 4, targetValue: 3 },
    ]);
    expect(preview.body.moved.tombstones).to.deep.equal([{ id: older, source: first }]);
    expect(preview.body.moved.linkConflicts.map((conflict: any) => [conflict.source, conflict.recId])).to.deep.equal([[first, 'u-1']]);

    const merged = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [first, second] } });
    expect(merged.status).to.equal(201);
    expect(preview.body.moved).to.deep.equal(merged.body.moved);
    expect(preview.body.movedCounts).to.deep.equal(merged.body.movedCounts);
  });

  it('writes nothing: no merge record, the sources keep everything', async () => {
    const { target, first } = await scene();
    const before = await api.request('GET', `/v1/personas/${first}`);
    const preview = await api.request('POST', `/v1/personas/${target}/merge?dryRun=true`, { body: { from: [first] } });
    expect(preview.status).to.equal(200);
    expect(preview.body.movedCounts.identifiers).to.equal(2);
    const after = await api.request('GET', `/v1/personas/${first}`);
    expect(after.status).to.equal(200);
    expect(after.body).to.deep.equal(before.body);
    const history = await api.request('GET', `/v1/merges?persona=${target}`);
    expect(history.body.data).to.deep.equal([]);
  });

  it('refuses what the merge refuses, with the same codes; the dryRun value is validated', async () => {
    const { target, first, older } = await scene();
    expectError(
      await api.request('POST', `/v1/personas/${target}/merge?dryRun=true`, { body: { from: [target] } }),
      400,
      'merges.merge_into_itself',
    );
    expectError(
      await api.request('POST', `/v1/personas/${target}/merge?dryRun=true`, { body: { from: [unknownId()] } }),
      404,
      'personas.persona_not_found',
    );
    expectError(
      await api.request('POST', `/v1/personas/${target}/merge?dryRun=true`, { body: { from: [older] } }),
      409,
      'merges.source_is_tombstone',
    );
    const invalid = await api.request('POST', `/v1/personas/${target}/merge?dryRun=yes`, { body: { from: [first] } });
    expectError(invalid, 422, 'merges.failed_to_validate');
    expect(invalid.body.error.details.map((detail: any) => detail.path)).to.deep.equal(['query.dryRun']);
  });

  it('keeps organisations apart and needs personas:merge', async () => {
    const { target, first } = await scene();
    const stranger = await api.newClient({ newOrganisation: true });
    expectError(
      await api.request('POST', `/v1/personas/${target}/merge?dryRun=true`, { body: { from: [first] }, auth: stranger }),
      404,
      'personas.persona_not_found',
    );
    const reader = await api.newClient({ scopes: ['personas:read'] });
    expectError(
      await api.request('POST', `/v1/personas/${target}/merge?dryRun=true`, { body: { from: [first] }, auth: reader }),
      403,
      'auth.insufficient_scope',
    );
  });
});
