// Erasure reaches Learning Locker's stored import CSVs (issue 6: afterwards no API returns the erased identifiers):
// a CSV naming two learners is uploaded and imported over /api, one persona is erased over /v1, and the error CSV
// (the route that serves the stored file) no longer holds any of its identifier values, in any spelling, while the
// other learner's row and the row numbers of the error rows are unchanged.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { parse } from 'csv-parse/sync';
import { PERSONAS_IMPORT_FILES } from '../../src/compat/learning-locker/personas-import-model.ts';
import { startCompatApp, type Client, type CompatApp } from './support/compat-app.ts';
import { llImportClient } from './support/ll-import-client.ts';

const ANN_SHA1 = createHash('sha1').update('mailto:Ann@example.com').digest('hex');
const STRUCTURE = {
  email: { columnName: 'email', columnType: 'COLUMN_MBOX', relatedColumn: null, primary: 1 },
  sha: { columnName: 'sha', columnType: 'COLUMN_MBOXSHA1SUM', relatedColumn: null, primary: 2 },
  name: { columnName: 'name', columnType: 'COLUMN_NAME', relatedColumn: null, primary: null },
  login: { columnName: 'login', columnType: 'COLUMN_ACCOUNT_VALUE', relatedColumn: 'site', primary: 3 },
  site: { columnName: 'site', columnType: 'COLUMN_ACCOUNT_KEY', relatedColumn: 'login', primary: null },
  note: { columnName: 'note', columnType: '', relatedColumn: null, primary: null },
};
const HEADER = 'email,sha,name,login,site,note';
const BOB = 'bob@example.com,,Bob,bob1,https://lms.example.com,likes csv';
const CSV = [
  HEADER,
  'MAILTO:Ann@Example.COM,,Ann,ann1,https://lms.example.com,first',
  BOB,
  'not an email,,Bad,,,x',
  `,${ANN_SHA1.toUpperCase()},,,,only her sha1`,
  'still not an email,,Worse,,,y',
  'cy@example.com,,Cy,,,Ann@EXAMPLE.com',
].join('\n');
const ANN_VALUES = ['ann@example.com', ANN_SHA1, 'ann1']; // compared lower-cased

describe('LL /api stored import CSVs under erasure (real app)', function () {
  let app: CompatApp;
  beforeEach(async () => {
    app = await startCompatApp();
  });
  afterEach(async () => app.close());

  const errorCsv = async (id: string, client: Client = app.a) => {
    const answer = await app.call('GET', `/api/organisation/${client.organisation.toHexString()}/importpersonaserror/${id}.csv`, {
      client,
    });
    expect(answer.status).to.equal(200);
    return answer.text;
  };
  const importCsv = async (content: string, client: Client = app.a, structure: unknown = STRUCTURE) => {
    const ll = llImportClient(app);
    const created = await ll.createImport(client);
    expect((await ll.upload(created._id, content, client)).status).to.equal(200);
    if (structure) {
      expect((await app.call('PATCH', `/api/v2/personasimport/${created._id}`, { client, body: { structure } })).status).to.equal(200);
      expect((await app.call('POST', '/api/importpersonas', { client, body: { id: created._id } })).status).to.equal(200);
      await ll.waitImported(created._id, client);
    }
    return created._id as string;
  };
  const annId = async (client: Client = app.a) => {
    const found = await app.call('GET', '/v1/personas/by-identifier?mbox=mailto:Ann@example.com', { client });
    expect(found.status, found.text).to.equal(200);
    return found.body.id as string;
  };
  const chunkIds = async (id: string) =>
    (await app.built.store.collection(PERSONAS_IMPORT_FILES).find({ importId: new ObjectId(id) }, { sort: { seq: 1 } })).map((doc) =>
      doc._id.toHexString(),
    );

  it('blanks every row and cell naming the erased persona, keeps the other rows and the error row numbers', async () => {
    const id = await importCsv(CSV);
    const before = await errorCsv(id);
    expect(before.toLowerCase()).to.include('ann@example.com').and.include(ANN_SHA1);
    const errorRows = (await app.call('GET', `/api/v2/personasimport/${id}`)).body.importErrors.map((entry: { row: number }) => entry.row);
    expect(errorRows).to.deep.equal([3, 5]);
    // Another import of the organisation that names nobody erased, and one of another organisation naming Ann.
    const untouched = await importCsv(`${HEADER}\n${BOB}`);
    const untouchedChunks = await chunkIds(untouched);
    const elsewhere = await importCsv(CSV, app.b);

    const erased = await app.call('POST', `/v1/personas/${await annId()}/erase`);
    expect(erased.status, erased.text).to.equal(200);

    const after = await errorCsv(id);
    for (const value of ANN_VALUES) expect(after.toLowerCase()).to.not.include(value);
    const rows: string[][] = parse(after);
    expect(rows[0]).to.deep.equal([...HEADER.split(','), 'errors']);
    expect(rows[1]).to.deep.equal(['', '', '', '', '', '', '']);
    expect(rows[2]).to.deep.equal([...BOB.split(','), '']);
    expect(rows[3].slice(0, 6)).to.deep.equal(['not an email', '', 'Bad', '', '', 'x']);
    expect(rows[3][6]).to.match(/email/);
    expect(rows[4]).to.deep.equal(['', '', '', '', '', '', '']);
    expect(rows[5].slice(0, 6)).to.deep.equal(['still not an email', '', 'Worse', '', '', 'y']);
    expect(rows[5][6]).to.match(/email/);
    // Cy's row is Cy's: only the cell holding Ann's address goes.
    expect(rows[6]).to.deep.equal(['cy@example.com', '', 'Cy', '', '', '', '']);
    expect(rows).to.have.length(7);
    expect(
      (await app.call('GET', `/api/v2/personasimport/${id}`)).body.importErrors.map((entry: { row: number }) => entry.row),
    ).to.deep.equal([3, 5]);

    expect(await chunkIds(untouched)).to.deep.equal(untouchedChunks);
    expect(await errorCsv(untouched)).to.include(BOB);
    expect((await errorCsv(elsewhere, app.b)).toLowerCase())
      .to.include('ann@example.com')
      .and.include(ANN_SHA1);

    // Running the scrubbed import again finds nobody to recreate from the blanked rows.
    await app.call('POST', '/api/importpersonas', { body: { id } });
    await llImportClient(app).waitImported(id);
    expect((await app.call('GET', '/v1/personas/by-identifier?mbox=mailto:Ann@example.com')).status).to.equal(404);
  });

  it('scrubs a CSV uploaded but never configured (no structure to read): by its cells, accounts by name and home page together', async () => {
    await importCsv(CSV);
    const waiting = await importCsv(
      [
        'who,mail,user,lms,age',
        'Ann,MAILTO:Ann@EXAMPLE.com,,,41',
        'Ann again,,ann1,https://lms.example.com,41',
        'Bob,bob@example.com,ann1,https://other.example.com,41',
        'Annie,mailto:ann@example.com,,,9',
      ].join('\n'),
      app.a,
      null,
    );
    expect(await errorCsv(waiting)).to.include('Ann@EXAMPLE.com');

    expect((await app.call('POST', `/v1/personas/${await annId()}/erase`)).status).to.equal(200);

    const rows: string[][] = parse(await errorCsv(waiting));
    expect(rows).to.deep.equal([
      ['who', 'mail', 'user', 'lms', 'age'],
      ['', '', '', '', ''],
      ['', '', '', '', ''],
      ['Bob', 'bob@example.com', 'ann1', 'https://other.example.com', '41'],
      // The local part of an address is case-sensitive (xapi-agents.md 6): ann@ is someone else.
      ['Annie', 'mailto:ann@example.com', '', '', '9'],
    ]);
  });

  it('keeps the row of a one-column CSV as a quoted empty cell, so that later rows keep their numbers', async () => {
    const id = await importCsv('email\nAnn@example.com\nnot an email\nbob@example.com', app.a, { email: STRUCTURE.email });
    expect((await app.call('POST', `/v1/personas/${await annId()}/erase`)).status).to.equal(200);
    const rows: string[][] = parse(await errorCsv(id));
    expect(rows.map((row) => row[0])).to.deep.equal(['email', '', 'not an email', 'bob@example.com']);
    expect(rows[2][1]).to.match(/email/);
  });
});
