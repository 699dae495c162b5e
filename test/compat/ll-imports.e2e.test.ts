// Black-box tests of Learning Locker's persona import routes (compat spec 3.5, 7) over the real app on a temp
// embedded store: ERM create → multipart upload → structure PATCH (LL's validation) → importpersonas → imported,
// with personas, identifiers and attributes written by the identity import service; error CSV; uploadpersona.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { PERSONAS_IMPORTS } from '../../src/compat/learning-locker/personas-import-model.ts';
import { ALL_SCOPES } from '../../src/features/clients/clients.service.ts';
import { q, startCompatApp, type Client, type CompatApp } from './support/compat-app.ts';
import { llImportClient, multipart } from './support/ll-import-client.ts';

const STRUCTURE = {
  email: { columnName: 'email', columnType: 'COLUMN_MBOX', relatedColumn: null, primary: 1 },
  name: { columnName: 'name', columnType: 'COLUMN_NAME', relatedColumn: null, primary: null },
  login: { columnName: 'login', columnType: 'COLUMN_ACCOUNT_VALUE', relatedColumn: 'site', primary: 2 },
  site: { columnName: 'site', columnType: 'COLUMN_ACCOUNT_KEY', relatedColumn: 'login', primary: null },
  dept: { columnName: 'dept', columnType: 'COLUMN_ATTRIBUTE_DATA', relatedColumn: null, primary: null, attributeName: 'department' },
};
const CSV = [
  'email,name,login,site,dept',
  'ann@example.com,Ann,ann1,https://lms.example.com,sales',
  'bob@example.com,Bob,,,support',
  'not an email,Bad,,,x',
  ',Nobody,,,y',
].join('\n');

describe('LL /api persona import routes (real app)', function () {
  let app: CompatApp;
  before(async () => {
    app = await startCompatApp();
  });
  after(async () => app.close());

  const createImport = (client: Client = app.a) => llImportClient(app).createImport(client);
  const upload = (id: string, content: string, client: Client = app.a) => llImportClient(app).upload(id, content, client);
  const waitImported = (id: string) => llImportClient(app).waitImported(id);

  it('runs the whole flow: create (201), upload, structure validation, import, imported with result, errors and error CSV', async () => {
    const created = await createImport();
    expect(created.importStage).to.equal('STAGE_UPLOAD');
    expect(created.organisation).to.equal(app.a.organisation.toHexString());
    expect(created.result).to.deep.equal({ created: 0, merged: 0 });
    expect(created.importedAt).to.equal('+275760-09-13T00:00:00.000Z');

    const uploaded = await upload(created._id, CSV);
    expect(uploaded.status).to.equal(200);
    expect(uploaded.body.importStage).to.equal('STAGE_CONFIGURE_FIELDS');
    expect(uploaded.body.csvHeaders).to.deep.equal(['email', 'name', 'login', 'site', 'dept']);
    expect(uploaded.body.structure.email).to.deep.equal({ columnName: 'email', columnType: '', relatedColumn: null, primary: null });

    const unpaired = await app.call('PATCH', `/api/v2/personasimport/${created._id}`, {
      body: { structure: { ...STRUCTURE, site: { ...STRUCTURE.site, relatedColumn: null } } },
    });
    expect(unpaired.status).to.equal(400);
    expect(unpaired.body.name).to.equal('ValidationError');
    expect(unpaired.body.errors.structure.message).to.match(/structure\.(login|site)\.relatedColumn/);
    const twoNames = await app.call('PATCH', `/api/v2/personasimport/${created._id}`, {
      body: { structure: { ...STRUCTURE, dept: { ...STRUCTURE.dept, columnType: 'COLUMN_FIRST_NAME' } } },
    });
    expect(twoNames.status).to.equal(400);

    const patched = await app.call('PATCH', `/api/v2/personasimport/${created._id}`, { body: { structure: STRUCTURE } });
    expect(patched.status).to.equal(200);
    expect(patched.body.structure.login.relatedColumn).to.equal('site');

    const started = await app.call('POST', '/api/importpersonas', { body: { id: created._id } });
    expect(started.status).to.equal(200);
    expect(started.body.importStage).to.be.oneOf(['STAGE_PROCESSING', 'STAGE_IMPORTED']);
    const done = await waitImported(created._id);
    expect(done.totalCount).to.equal(4);
    expect(done.processedCount).to.equal(4);
    expect(done.result).to.deep.equal({ created: 2, merged: 0 });
    expect(done.importErrors.map((entry: any) => entry.row)).to.deep.equal([3, 4]);
    expect(done.importErrors[0].rowErrors.join(' ')).to.match(/email/);

    const identifiers = await app.call(
      'GET',
      `/api/v2/personaidentifier?filter=${encodeURIComponent(JSON.stringify({ 'ifi.key': 'account' }))}`,
    );
    expect(identifiers.body).to.have.length(1);
    const ann = identifiers.body[0].persona;
    const annMbox = await app.built.store
      .collection(COLLECTIONS.identifiers)
      .findOne({ organisation: app.a.organisation, 'ifi.value': 'mailto:ann@example.com' });
    expect(annMbox!.persona.toHexString()).to.equal(ann);
    expect((await app.call('GET', `/api/v2/persona/${ann}`)).body.name).to.equal('Ann');
    const attributes = await app.call('GET', `/api/v2/personaattribute?query=${encodeURIComponent(JSON.stringify({ personaId: ann }))}`);
    expect(attributes.body.map((a: any) => [a.key, a.value])).to.deep.equal([['department', 'sales']]);

    const errorCsv = await app.call('GET', `/api/organisation/${app.a.organisation.toHexString()}/importpersonaserror/${created._id}.csv`);
    expect(errorCsv.status).to.equal(200);
    expect(errorCsv.headers.get('content-type')).to.match(/text\/csv/);
    const lines = errorCsv.text.trim().split('\n');
    expect(lines[0]).to.equal('email,name,login,site,dept,errors');
    expect(lines[1]).to.equal('ann@example.com,Ann,ann1,https://lms.example.com,sales,');
    expect(lines[3]).to.match(/^not an email,Bad,,,x,.+/);
    expect(lines[4]).to.match(/^,Nobody,,,y,.+/);

    // Running it again matches everyone already there (LL's `merged`).
    await app.call('POST', '/api/importpersonas', { body: { id: created._id } });
    expect((await waitImported(created._id)).result).to.deep.equal({ created: 0, merged: 2 });
  });

  it('import models answer as ERM routes (spec 3.6): content type missing/invalid 400, template create 201, validation 400, delete 204, then 404', async () => {
    for (const kind of ['personasimport', 'personasimporttemplate']) {
      const noType = await app.call('POST', `/api/v2/${kind}`, { raw: '{}', headers: { 'content-type': '' } });
      expect(noType.body, kind).to.include({ description: 'missing_content_type', statusCode: 400 });
      const textType = await app.call('POST', `/api/v2/${kind}`, { raw: 'x', headers: { 'content-type': 'text/plain' } });
      expect(textType.body, kind).to.include({ description: 'invalid_content_type', statusCode: 400 });
    }
    const template = await app.call('POST', '/api/v2/personasimporttemplate', { body: { name: 'HR', structure: STRUCTURE } });
    expect(template.status).to.equal(201);
    expect(template.body).to.include({ name: 'HR', isPublic: false, organisation: app.a.organisation.toHexString() });
    const notBoolean = await app.call('PATCH', `/api/v2/personasimporttemplate/${template.body._id}`, { body: { isPublic: 'yes' } });
    expect(notBoolean.status).to.equal(400);
    expect(Object.keys(notBoolean.body.errors)).to.deep.equal(['isPublic']);
    expect((await app.call('DELETE', `/api/v2/personasimporttemplate/${template.body._id}`)).status).to.equal(204);
    expect((await app.call('GET', `/api/v2/personasimporttemplate/${template.body._id}`)).status).to.equal(404);
  });

  it("import model connections answer as LL's other connections: 401 with passport's challenges, a hint naming no index 400, nodes without our fields", async () => {
    const { _id: id } = await createImport();
    for (const kind of ['personasimport', 'personasimporttemplate']) {
      const anonymous = await app.call('GET', `/api/connection/${kind}`, { client: null });
      expect(anonymous.status, kind).to.equal(401);
      expect(anonymous.headers.get('www-authenticate'), kind).to.match(/Basic realm="Users"/);
      const hint = await app.call('GET', `/api/connection/${kind}?hint=${q({ nope: 1 })}`);
      expect(hint.status, kind).to.equal(400);
      expect(hint.body.error.code, kind).to.equal('query.invalid_hint');
    }
    // An import that ran holds the identity import's id, which LL's model has not: the node leaves it out.
    await app.built.store.collection(PERSONAS_IMPORTS).updateOne({ _id: new ObjectId(id) }, { $set: { resolverImportId: new ObjectId() } });
    const listed = await app.call('GET', `/api/connection/personasimport?filter=${q({ _id: id })}`);
    expect(listed.body.edges.map((edge: any) => edge.node._id)).to.deep.equal([id]);
    expect(listed.body.edges[0].node).to.include({ title: 'HR export', __v: 0 });
    expect(listed.body.edges[0].node).not.to.have.property('resolverImportId');
  });

  it('upload errors: empty CSV and duplicate headings are 400 with LL texts; unknown import 404', async () => {
    const { _id: id } = await createImport();
    const empty = await upload(id, '');
    expect(empty.status).to.equal(400);
    expect(empty.body.message).to.equal('The CSV cannot be empty.');
    const duplicate = await upload(id, 'a,a\n1,2');
    expect(duplicate.status).to.equal(400);
    expect(duplicate.body.message).to.equal('The CSV cannot contain duplicate headings.');
    expect((await upload(new ObjectId().toHexString(), 'a\n1')).status).to.equal(404);
  });

  it('refuses a second start while one is processing: of two concurrent starts exactly one is 200, the other 409', async () => {
    const { _id: id } = await createImport();
    const rows = Array.from({ length: 3000 }, (_, index) => `p${index}@example.com,P${index},,,d`);
    await upload(id, ['email,name,login,site,dept', ...rows].join('\n'));
    await app.call('PATCH', `/api/v2/personasimport/${id}`, { body: { structure: STRUCTURE } });
    const answers = await Promise.all([1, 2].map(() => app.call('POST', '/api/importpersonas', { body: { id } })));
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 409]);
    const refused = answers.find((answer) => answer.status === 409)!;
    expect(refused.body.message).to.equal(`personasImport - ${id} cannot be processed in it's current state.`);
    expect((await waitImported(id)).result.created).to.equal(3000);
  });

  it('an import left processing by a dead process (no progress for 10 minutes) can be started again; a live one cannot', async () => {
    const { _id: id } = await createImport();
    await upload(id, 'email,name,login,site,dept\nstale@example.com,Stale,,,d');
    await app.call('PATCH', `/api/v2/personasimport/${id}`, { body: { structure: STRUCTURE } });
    const imports = app.built.store.collection(PERSONAS_IMPORTS);
    await imports.updateOne({ _id: new ObjectId(id) }, { $set: { importStage: 'STAGE_PROCESSING', updatedAt: new Date() } });
    expect((await app.call('POST', '/api/importpersonas', { body: { id } })).status).to.equal(409);
    expect((await app.call('PATCH', `/api/v2/personasimport/${id}`, { body: { title: 'renamed' } })).status).to.equal(409);
    await imports.updateOne({ _id: new ObjectId(id) }, { $set: { updatedAt: new Date(Date.now() - 11 * 60_000) } });
    expect((await app.call('POST', '/api/importpersonas', { body: { id } })).status).to.equal(200);
    expect((await waitImported(id)).result).to.deep.equal({ created: 1, merged: 0 });
  });

  it("serves the import routes bare (without /api) as LL's API process does", async () => {
    const res = await app.call('POST', '/v2/personasimport', { body: { title: 'bare' } });
    expect(res.status).to.equal(201);
    const form = multipart({ id: res.body._id }, { name: 'x.csv', content: 'email\na@example.com' });
    expect((await app.call('POST', '/uploadpersonas', { raw: form.raw, headers: form.headers })).body.importStage).to.equal(
      'STAGE_CONFIGURE_FIELDS',
    );
    expect(
      (await app.call('POST', '/uploadpersona', { body: { ifis: [{ key: 'openid', value: 'https://id.example.com/bare' }] } })).body,
    ).to.deep.equal({ merged: false });
  });

  it('uploadpersona: merged false then true; 400 without ifis or with an invalid ifi; 403 without personas:write', async () => {
    const person = { personaName: 'Cy', ifis: [{ key: 'mbox', value: 'cy@example.com' }], attributes: [{ key: 'team', value: 'blue' }] };
    const first = await app.call('POST', '/api/uploadpersona', { body: person });
    expect(first.status).to.equal(200);
    expect(first.body).to.deep.equal({ merged: false });
    expect((await app.call('POST', '/api/uploadpersona', { body: person })).body).to.deep.equal({ merged: true });
    const missing = await app.call('POST', '/api/uploadpersona', { body: { personaName: 'x' } });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.details[0].path).to.equal('ifis');
    const invalid = await app.call('POST', '/api/uploadpersona', { body: { ifis: [{ key: 'mbox', value: 'nope' }] } });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.error.details[0].path).to.match(/^ifis\.0/);
    const reader = await app.client({ scopes: ALL_SCOPES.filter((scope) => scope !== 'personas:write'), organisation: app.a.organisation });
    const refused = await app.call('POST', '/api/uploadpersona', { client: reader, body: person });
    expect(refused.status).to.equal(403);
    expect(refused.body.message).to.equal('Priviliges not sufficient for this operation');
  });

  it('a row whose identifiers belong to two personas is reported once as a conflict, never merged (defect 36)', async () => {
    await app.call('POST', '/api/uploadpersona', { body: { ifis: [{ key: 'mbox', value: 'dee@example.com' }] } });
    await app.call('POST', '/api/uploadpersona', {
      body: { ifis: [{ key: 'account', value: { homePage: 'https://lms.example.com', name: 'dee' } }] },
    });
    const res = await app.call('POST', '/api/v2/personasimport', { body: { title: 'conflict' } });
    expect(res.status).to.equal(201);
    await upload(res.body._id, 'email,name,login,site,dept\ndee@example.com,Dee,dee,https://lms.example.com,x');
    await app.call('PATCH', `/api/v2/personasimport/${res.body._id}`, { body: { structure: STRUCTURE } });
    await app.call('POST', '/api/importpersonas', { body: { id: res.body._id } });
    const done = await waitImported(res.body._id);
    expect(done.result).to.deep.equal({ created: 0, merged: 0 });
    expect(done.importErrors).to.have.length(1);
    expect(done.importErrors[0].rowErrors[0]).to.match(/different personas/);
    const conflict = await app.call('POST', '/api/uploadpersona', {
      body: {
        ifis: [
          { key: 'mbox', value: 'dee@example.com' },
          { key: 'account', value: { homePage: 'https://lms.example.com', name: 'dee' } },
        ],
      },
    });
    expect(conflict.status).to.equal(409);
    const owners = await app.built.store
      .collection(COLLECTIONS.identifiers)
      .find({ organisation: app.a.organisation, 'ifi.value.name': 'dee' });
    const mbox = await app.built.store
      .collection(COLLECTIONS.identifiers)
      .findOne({ organisation: app.a.organisation, 'ifi.value': 'mailto:dee@example.com' });
    expect(owners[0].persona.equals(mbox!.persona)).to.equal(false);
  });

  it("organisation isolation: another organisation's import is 404 on every route, error CSV included", async () => {
    const { _id: id } = await createImport(app.b);
    expect((await app.call('GET', `/api/v2/personasimport/${id}`)).status).to.equal(404);
    expect((await app.call('POST', '/api/importpersonas', { body: { id } })).status).to.equal(404);
    expect((await upload(id, 'a\n1')).status).to.equal(404);
    expect((await app.call('GET', `/api/organisation/${app.b.organisation.toHexString()}/importpersonaserror/${id}.csv`)).status).to.equal(
      404,
    );
    expect((await app.call('GET', `/api/organisation/${app.a.organisation.toHexString()}/importpersonaserror/${id}.csv`)).status).to.equal(
      404,
    );
    const list = await app.call('GET', '/api/connection/personasimport?first=100');
    expect(list.status).to.equal(200);
    expect(list.body.edges.map((edge: any) => edge.node._id)).not.to.include(id);
    expect((await app.call('GET', '/api/indexes/personasimport')).body.map((index: any) => index.name)).to.include('_id_');
  });
});
