// POST /v1/imports?dryRun=true over the real app: the answer says row by row what the import would do (a persona
// created, one updated, a row refused with its code and reason, a merge and the rule that would refuse it), and
// the store is exactly as it was before (every collection the import or its refusals write compared whole).
import { ObjectId } from 'bson';
import { expect } from 'chai';
import { accountIfi, basic, createPersona, mboxIfi, startTestApi, type TestApi } from './support/identity-api.ts';

const LMS = 'https://lms.example.org';
const MAPPING = {
  columns: {
    email: { type: 'mbox', primary: 1 },
    other: { type: 'mbox', primary: 2 },
    login: { type: 'account_name', homePage: LMS, primary: 3 },
    name: { type: 'name' },
    team: { type: 'attribute' },
  },
};
const WRITTEN_COLLECTIONS = [
  'personas',
  'personaIdentifiers',
  'personaAttributes',
  'personaEmailClaims',
  'personaNames',
  'personaImports',
  'personaImportErrors',
  'personaMerges',
  'personaMergeMoves',
  'identityBlockedDaily',
  'auditLog',
];

describe('HTTP: CSV import dry run', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(async () => {
    await api.close();
  });

  async function upload(csv: string, fields: Record<string, string>, query = '') {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'learners.csv');
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const response = await fetch(`${api.baseUrl}/v1/imports${query}`, {
      method: 'POST',
      body: form,
      headers: { authorization: basic(api.admin) },
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function snapshot() {
    const store = api.built.store;
    const organisation = new ObjectId(api.admin.organisation);
    return Object.fromEntries(
      await Promise.all(
        WRITTEN_COLLECTIONS.map(async (name) => [name, await store.collection(name).find({ organisation }, { sort: { _id: 1 } })]),
      ),
    );
  }

  it('reports created, updated and refused rows with codes and reasons, and writes nothing', async () => {
    const ann = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')] });
    const dee = await createPersona(api, { name: 'Dee', identifiers: [mboxIfi('dee@example.org')] });
    expect(
      (await api.request('PUT', '/v1/identity-rules', { body: { namePolicy: 'first', limits: [{ kind: 'mbox', max: 1 }] } })).status,
    ).to.equal(200);
    const csv = [
      'email,other,login,name,team',
      'ann@example.org,,,Ann Smith,red', // 1: adds a name and an attribute to Ann
      'bob@example.org,,bob,Bob,blue', // 2: a new persona
      'test@test.com,,,Junk,', // 3: blocked by a default rule
      ',bob@home.example,bob,Bob,', // 4: Bob (row 2, not written) would then hold two addresses: limits[0]
      ',,,Nobody,', // 5: no identifier
      'ann@example.org,dee@example.org,,Ann,', // 6: two personas, no mergeConflicts
    ].join('\n');
    const before = await snapshot();

    const answer = await upload(csv, { mapping: JSON.stringify(MAPPING) }, '?dryRun=true');
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body).to.deep.include({ dryRun: true, totalRows: 6, rowsTruncated: false });
    expect(answer.body.counts).to.deep.equal({ created: 1, updated: 1, refused: 4, merges: 0 });
    const rows = new Map((answer.body.rows as any[]).map((row) => [row.row, row]));
    expect(rows.get(1)).to.deep.include({ outcome: 'updated', persona: ann, errors: [] });
    expect(rows.get(2)).to.deep.include({ outcome: 'created', errors: [] });
    expect(rows.get(3).outcome).to.equal('refused');
    expect(rows.get(3).errors[0].code).to.equal('rules.identifier_blocked');
    expect(rows.get(3).errors[0].message).to.contain('blocked.defaults.test_address');
    expect(rows.get(4)).to.deep.include({ outcome: 'refused', persona: rows.get(2).persona });
    expect(rows.get(4).errors[0].code).to.equal('rules.limit_exceeded');
    expect(rows.get(4).errors[0].message).to.contain('limits[0]');
    expect(rows.get(5)).to.deep.include({ outcome: 'refused', errors: [{ code: 'imports.invalid_row', message: 'No identifiers' }] });
    expect(rows.get(6).outcome).to.equal('refused');
    expect(rows.get(6).errors[0].code).to.equal('imports.row_conflict');
    expect(rows.get(6).errors[0].message).to.contain(ann).and.to.contain(dee);

    expect(await snapshot(), 'the store is unchanged').to.deep.equal(before);

    // The real import of the same file does what the dry run said.
    const real = await upload(csv, { mapping: JSON.stringify(MAPPING) });
    expect(real.status).to.equal(202);
    let done: any;
    do done = (await api.request('GET', `/v1/imports/${real.body.id}`)).body;
    while (done.state === 'processing');
    expect(done.counts).to.include({ created: 1, matched: 1, conflicts: 1, errors: 3 });
  });

  it('with mergeConflicts, names the personas a row would merge and the identity rule that would refuse the merge', async () => {
    const ann = await createPersona(api, { name: 'Ann', identifiers: [accountIfi(LMS, 'ann')] });
    const annie = await createPersona(api, { name: 'Annie', identifiers: [mboxIfi('annie@example.org'), accountIfi(LMS, 'annie')] });
    const bea = await createPersona(api, { name: 'Bea', identifiers: [mboxIfi('bea@example.org')] });
    const beatrice = await createPersona(api, { name: 'Beatrice', identifiers: [mboxIfi('beatrice@example.org')] });
    expect(
      (await api.request('PUT', '/v1/identity-rules', { body: { namePolicy: 'first', unique: [{ kind: 'account', homePage: LMS }] } }))
        .status,
    ).to.equal(200);
    const csv = 'email,other,login,name,team\nannie@example.org,,ann,Ann,\nbea@example.org,beatrice@example.org,,Bea,\n';
    const before = await snapshot();
    const answer = await upload(csv, { mapping: JSON.stringify(MAPPING), mergeConflicts: 'true' }, '?dryRun=true');
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body.counts).to.deep.equal({ created: 0, updated: 2, refused: 0, merges: 2 });
    const [first, second] = answer.body.rows;
    expect(first).to.deep.include({ outcome: 'updated', persona: annie, merges: [ann] });
    expect(first.errors.map((error: any) => error.code)).to.deep.equal(['rules.unique_kind']);
    expect(first.errors[0].message).to.contain('unique[0]');
    expect(second).to.deep.include({ outcome: 'updated', persona: bea, merges: [beatrice], errors: [] });
    expect(await snapshot(), 'the store is unchanged').to.deep.equal(before);
  });

  it('refuses a malformed mapping as the import does, and validates the dryRun value', async () => {
    const bad = await upload(
      'email\nann@example.org\n',
      { mapping: JSON.stringify({ columns: { email: { type: 'nonsense' } } }) },
      '?dryRun=true',
    );
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('imports.invalid_mapping');
    const invalid = await upload(
      'email\nann@example.org\n',
      { mapping: JSON.stringify({ columns: { email: { type: 'mbox' } } }) },
      '?dryRun=maybe',
    );
    expect(invalid.status).to.be.within(400, 422);
    expect(JSON.stringify(invalid.body)).to.contain('dryRun');
    expect((await api.request('GET', '/v1/personas/count')).body.count).to.equal(0);
  });
});
