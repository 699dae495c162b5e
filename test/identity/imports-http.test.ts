// CSV imports over the real app: multipart upload, 202 then progress to completion, the per-row errors CSV,
// refusals before anything is written (malformed file, bad mapping, no file), scope and organisation isolation.
import { expect } from 'chai';
import { basic, expectError, startTestApi, unknownId, type Credentials, type TestApi } from './support/identity-api.ts';

const MAPPING = {
  columns: {
    email: { type: 'mbox', primary: 1 },
    login: { type: 'account_name', homePage: 'http://lms.example.org', primary: 2 },
    name: { type: 'name' },
    employee: { type: 'attribute', attributeName: 'employeeNumber' },
  },
};

const IDS_MAPPING = { columns: { email: MAPPING.columns.email, login: MAPPING.columns.login } };
const EMAIL_MAPPING = { columns: { email: MAPPING.columns.email } };

describe('HTTP: CSV imports', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(async () => {
    await api.close();
  });

  async function upload(csv: string | null, fields: Record<string, string>, auth: Credentials = api.admin) {
    const form = new FormData();
    if (csv !== null) form.append('file', new Blob([csv], { type: 'text/csv' }), 'learners.csv');
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const response = await fetch(`${api.baseUrl}/v1/imports`, { method: 'POST', body: form, headers: { authorization: basic(auth) } });
    return { status: response.status, body: (await response.json()) as any, headers: response.headers };
  }

  /** Follows the import's progress until it is no longer processing (the client's way to wait). */
  async function finished(id: string) {
    for (;;) {
      const answer = await api.request('GET', `/v1/imports/${id}`);
      expect(answer.status).to.equal(200);
      if (answer.body.state !== 'processing') return answer.body;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('imports a CSV: 202 with Location, progress to completion, personas findable, row errors downloadable as CSV', async () => {
    const csv =
      'email,login,name,employee\nann@example.org,ann,Ann Smith,E1\nbob@example.org,,Bob Jones,E2\nnot-an-email,,Bad,E3\nann@example.org,,Ann S.,\n,,Nobody,E5\n';
    const answer = await upload(csv, { mapping: JSON.stringify(MAPPING), title: 'spring' });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    expect(answer.headers.get('location')).to.equal(`/v1/imports/${answer.body.id}`);
    expect(answer.body).to.include({ title: 'spring', totalRows: 5 });
    const done = await finished(answer.body.id);
    expect(done).to.include({ state: 'completed', processedRows: 5, totalRows: 5 });
    expect(done.counts).to.deep.equal({ created: 2, matched: 1, merged: 0, conflicts: 0, errors: 2 });

    const ann = await api.request('GET', '/v1/personas/by-identifier?mbox=mailto:ann@example.org');
    expect(ann.status).to.equal(200);
    expect(ann.body.name).to.equal('Ann S.');
    expect(
      ann.body.names.map((entry: { name: string }) => entry.name),
      'every name its rows gave',
    ).to.have.members(['Ann Smith', 'Ann S.']);
    const byAccount = await api.request('GET', '/v1/personas/by-identifier?account.homePage=http://lms.example.org&account.name=ann');
    expect(byAccount.body.id).to.equal(ann.body.id);

    const response = await fetch(`${api.baseUrl}/v1/imports/${answer.body.id}/errors`, { headers: { authorization: basic(api.admin) } });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/csv/);
    const lines = (await response.text()).trim().split('\n');
    expect(lines[0]).to.equal('row,email,login,name,employee,errors');
    expect(lines).to.have.length(3);
    expect(lines[1]).to.match(/^3,not-an-email,,Bad,E3,/);
    expect(lines[2]).to.equal('5,,,Nobody,E5,No identifiers');
  });

  it('reports a row whose identifiers belong to different personas, and merges them when asked', async () => {
    await upload('email,login\nann@example.org,\n,ann\n', { mapping: JSON.stringify(IDS_MAPPING) }).then((answer) =>
      finished(answer.body.id),
    );
    const reported = await finished((await upload('email,login\nann@example.org,ann\n', { mapping: JSON.stringify(IDS_MAPPING) })).body.id);
    expect(reported.counts).to.include({ conflicts: 1, merged: 0 });
    const merged = await finished(
      (await upload('email,login\nann@example.org,ann\n', { mapping: JSON.stringify(IDS_MAPPING), mergeConflicts: 'true' })).body.id,
    );
    expect(merged.counts).to.include({ conflicts: 0, merged: 1 });
    const history = await api.request('GET', '/v1/merges');
    expect(history.body.data).to.have.length(1);
    expect(history.body.data[0].actor).to.equal(`import:${merged.id}`);
  });

  it('refuses a malformed file, a bad mapping or a missing file before writing anything', async () => {
    const malformed = await upload('email,name\n"ann@example.org,Ann\n', { mapping: JSON.stringify(MAPPING) });
    expectError(malformed, 400, 'imports.malformed_csv');
    expect(malformed.body.error.details[0].path).to.equal('file');
    const badMapping = await upload('email,name\nann@example.org,Ann\n', {
      mapping: JSON.stringify({ columns: { email: { type: 'mbox' }, colour: { type: 'attribute' } } }),
    });
    expectError(badMapping, 422, 'imports.invalid_mapping');
    expect(badMapping.body.error.details).to.deep.include({
      path: 'mapping.columns.colour',
      code: 'imports.invalid_mapping',
      message: 'is not a column of the file',
    });
    const unknownType = await upload('email\nann@example.org\n', { mapping: JSON.stringify({ columns: { email: { type: 'email' } } }) });
    expectError(unknownType, 422, 'imports.invalid_mapping');
    expect(unknownType.body.error.details[0].path).to.equal('mapping.columns.email.type');
    expectError(await upload('email\nann@example.org\n', { mapping: '{not json' }), 422, 'imports.invalid_mapping');
    expectError(await upload('email\nann@example.org\n', {}), 422, 'imports.invalid_mapping');
    expectError(
      await upload('email\nann@example.org\n', { mapping: JSON.stringify(EMAIL_MAPPING), mergeConflicts: 'maybe' }),
      422,
      'imports.invalid_mapping',
    );
    expectError(await upload(null, { mapping: JSON.stringify(MAPPING) }), 400, 'imports.file_required');
    expectError(await api.request('POST', '/v1/imports', { body: { mapping: MAPPING } }), 400, 'imports.file_required');
    expect((await api.request('GET', '/v1/personas/count')).body.count).to.equal(0);
  });

  it('needs personas:write to import; another organisation finds neither the import nor its errors', async () => {
    const reader = await api.newClient({ scopes: ['personas:read'] });
    expectError(
      await upload('email\nann@example.org\n', { mapping: JSON.stringify(EMAIL_MAPPING) }, reader),
      403,
      'auth.insufficient_scope',
    );
    const answer = await upload('email\nann@example.org\n', { mapping: JSON.stringify(EMAIL_MAPPING) });
    await finished(answer.body.id);
    const outsider = await api.newClient({ newOrganisation: true });
    expectError(await api.request('GET', `/v1/imports/${answer.body.id}`, { auth: outsider }), 404, 'imports.import_not_found');
    expectError(await api.request('GET', `/v1/imports/${answer.body.id}/errors`, { auth: outsider }), 404, 'imports.import_not_found');
    expectError(await api.request('GET', `/v1/imports/${unknownId()}`), 404, 'imports.import_not_found');
    expectError(await api.request('GET', '/v1/imports/nothex'), 400, 'imports.invalid_import_id');
    expectError(
      await api.request('GET', '/v1/personas/by-identifier?mbox=mailto:ann@example.org', { auth: outsider }),
      404,
      'personas.persona_not_found',
    );
  });
});
