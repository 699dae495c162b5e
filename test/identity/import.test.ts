// CSV import: mapping and file checked before any write, LL semantics per row (first identifier decides the persona,
// names and attributes applied, rows of one file sharing an identifier share a persona), conflicts reported unless
// merging is asked for, per-row errors downloadable as CSV with row numbers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createImportService } from '../../src/features/imports/imports.service.ts';
import { ApiError } from '../../src/core/errors/api-error.ts';
import { createMergeService } from '../../src/features/merges/merge.service.ts';
import { makeTempDir, openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';
import { account, mbox, seedPersona } from './support/seed.ts';

const mapping = {
  columns: {
    email: { type: 'mbox', primary: 1 },
    login: { type: 'account_name', homePage: 'http://lms.example.org', primary: 2 },
    first: { type: 'first_name' },
    last: { type: 'last_name' },
    employee: { type: 'attribute', attributeName: 'employeeNumber' },
    notes: { type: 'ignore' },
  },
};

describe('CSV import', () => {
  let temp: TempStore;
  let dir: string;
  const organisation = new ObjectId();
  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
    dir = makeTempDir('import-');
  });
  afterEach(async () => {
    await temp.close();
  });
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const service = () => createImportService({ store: temp.store, mergeService: createMergeService({ store: temp.store }) });
  const count = (collection: string) => temp.store.collection(collection).countDocuments({ organisation });

  async function expectRejected(promise: Promise<unknown>, code: string): Promise<ApiError> {
    try {
      await promise;
    } catch (error) {
      expect((error as ApiError).code).to.equal(code);
      expect((await count(COLLECTIONS.personas)) + (await count(COLLECTIONS.imports)) + (await count(COLLECTIONS.identifiers))).to.equal(0);
      return error as ApiError;
    }
    throw new Error(`expected ${code}`);
  }

  it('rejects a bad mapping or a malformed file before writing anything, naming the problem', async () => {
    const good = file('good.csv', 'email,login,first,last,employee,notes\nann@example.org,ann,Ann,Lee,E1,x\n');
    const unknown = await expectRejected(
      service().startImport({ organisation, filePath: good, mapping: { columns: { mail: { type: 'mbox' } } }, actor: 't' }),
      'imports.invalid_mapping',
    );
    expect(unknown.details.map((detail) => detail.path)).to.include('mapping.columns.mail');
    const noHome = await expectRejected(
      service().startImport({ organisation, filePath: good, mapping: { columns: { login: { type: 'account_name' } } }, actor: 't' }),
      'imports.invalid_mapping',
    );
    expect(noHome.details[0].message).to.match(/homePage/);
    await expectRejected(
      service().startImport({ organisation, filePath: good, mapping: { columns: { first: { type: 'first_name' } } }, actor: 't' }),
      'imports.invalid_mapping',
    );
    await expectRejected(
      service().startImport({ organisation, filePath: good, mapping: { columns: { email: { type: 'bogus' } } }, actor: 't' }),
      'imports.invalid_mapping',
    );
    // A broken quote on the last of many rows: the whole file is checked first.
    const rows = Array.from({ length: 2000 }, (_, index) => `p${index}@example.org,u${index},A,B,E${index},`).join('\n');
    const broken = file('broken.csv', `email,login,first,last,employee,notes\n${rows}\n"unterminated,x,y,z,1,2\n`);
    await expectRejected(service().startImport({ organisation, filePath: broken, mapping, actor: 't' }), 'imports.malformed_csv');
    await expectRejected(
      service().startImport({
        organisation,
        filePath: file('dup.csv', 'email,email\na@b.org,c@d.org\n'),
        mapping: { columns: { email: { type: 'mbox' } } },
        actor: 't',
      }),
      'imports.malformed_csv',
    );
  });

  it('imports rows with LL semantics and reports row errors and conflicts, downloadable as CSV', async () => {
    const existing = await seedPersona(temp.store, organisation, {
      name: 'Old Name',
      identifiers: [mbox('ann@example.org')],
      attributes: { employeeNumber: 'E0' },
    });
    const other = await seedPersona(temp.store, organisation, { name: 'Bo', identifiers: [account('http://lms.example.org', 'bo')] });
    const csv = [
      'email,login,first,last,employee,notes',
      'ann@example.org,ann,Ann,Lee,E1,"existing persona by email: renamed, attribute overwritten, account added"',
      'cy@example.org,cy,Cy,,E2,new persona',
      ',cy,,,E3,same account as the previous row: same persona',
      'dee@example.org,bo,Dee,,,"email new, account is Bo\'s: the row goes to Bo"',
      'ann@example.org,bo,,,,"two existing personas: conflict"',
      'not an address,,,,,invalid mbox',
      ',,,,,no identifiers',
    ].join('\n');
    const { import: started, done } = await service().startImport({
      organisation,
      filePath: file('people.csv', csv),
      mapping,
      title: 'HR',
      actor: 'tester',
    });
    expect(started.totalRows).to.equal(7);
    const finished = await done;
    expect(finished.state).to.equal('completed');
    expect(finished.processedRows).to.equal(7);
    expect(finished.counts).to.deep.equal({ created: 3, matched: 1, merged: 0, conflicts: 1, errors: 2 });

    const personas = temp.store.collection(COLLECTIONS.personas);
    expect((await personas.findOne({ _id: existing }))!.name).to.equal('Ann Lee');
    const annAttributes = await temp.store.collection(COLLECTIONS.attributes).find({ organisation, personaId: existing });
    expect(annAttributes.map((attribute) => `${attribute.key}=${attribute.value}`)).to.deep.equal(['employeeNumber=E1']);
    const identifiers = await temp.store.collection(COLLECTIONS.identifiers).find({ organisation });
    const personaOf = (predicate: (ifi: any) => boolean) =>
      identifiers.find((identifier) => predicate(identifier.ifi))?.persona.toHexString();
    expect(personaOf((ifi) => ifi.key === 'account' && ifi.value.name === 'ann')).to.equal(existing.toHexString());
    const cy = personaOf((ifi) => ifi.value === 'mailto:cy@example.org');
    expect(personaOf((ifi) => ifi.key === 'account' && ifi.value.name === 'cy')).to.equal(cy);
    expect((await personas.findOne({ _id: new ObjectId(cy) }))!.name).to.equal('Cy');
    // Dee's new email went to Bo's persona (the first existing identifier decides), Bo unchanged otherwise.
    expect(personaOf((ifi) => ifi.value === 'mailto:dee@example.org')).to.equal(other.toHexString());
    expect((await personas.findOne({ _id: other }))!.name).to.equal('Dee');
    expect(await personas.countDocuments({ organisation, mergedInto: { $exists: true } })).to.equal(0);

    const errors = await text(await service().errorsCsv(organisation, started._id));
    const lines = errors.trim().split('\n');
    expect(lines[0]).to.equal('row,email,login,first,last,employee,notes,errors');
    expect(lines.slice(1).map((line) => line.split(',')[0])).to.deep.equal(['5', '6', '7']);
    expect(lines[1]).to.include(`identifiers belong to different personas: ${existing.toHexString()}, ${other.toHexString()}`);
    expect(lines[2]).to.match(/email: mbox is not a mailto IRI/);
    expect(lines[3]).to.include('No identifiers');
  });

  it('merges the personas of a conflicting row when asked, recorded in the merge history', async () => {
    const ann = await seedPersona(temp.store, organisation, { identifiers: [mbox('ann@example.org')] });
    const bo = await seedPersona(temp.store, organisation, { identifiers: [account('http://lms.example.org', 'bo')] });
    const { done } = await service().startImport({
      organisation,
      filePath: file('m.csv', 'email,login\nann@example.org,bo\n'),
      mapping: { columns: { email: { type: 'mbox' }, login: { type: 'account_name', homePage: 'http://lms.example.org' } } },
      mergeConflicts: true,
      actor: 'tester',
    });
    const finished = await done;
    expect(finished.counts).to.include({ matched: 1, merged: 1, conflicts: 0 });
    expect((await temp.store.collection(COLLECTIONS.personas).findOne({ _id: bo }))!.mergedInto.toHexString()).to.equal(ann.toHexString());
    const history = await createMergeService({ store: temp.store }).listMerges({ organisation });
    expect(history.data[0].actor).to.equal(`import:${finished._id.toHexString()}`);
  });

  it("finds another organisation's import nowhere", async () => {
    const { import: started, done } = await service().startImport({
      organisation,
      filePath: file('a.csv', 'email\na@example.org\n'),
      mapping: { columns: { email: { type: 'mbox' } } },
      actor: 't',
    });
    await done;
    try {
      await service().getImport(new ObjectId(), started._id);
      expect.fail('found');
    } catch (error) {
      expect((error as ApiError).code).to.equal('imports.import_not_found');
    }
  });
});
