// `persona erase` scrubs Learning Locker's stored import CSVs as the API's erasure does: an LL import naming two
// learners is run on a data directory, the CLI (a child process) erases one persona, and the stored CSV served as
// the error CSV holds none of its identifier values while the other learner's row is intact.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { createLlImportService } from '../../src/compat/learning-locker/personas-import.service.ts';
import { PERSONAS_IMPORTS, newPersonasImport } from '../../src/compat/learning-locker/personas-import-model.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createImportService } from '../../src/features/imports/imports.service.ts';
import { createMergeService } from '../../src/features/merges/merge.service.ts';
import { ensureDefaultOrganisation } from '../../src/features/tenancy/default-organisation.ts';
import { ensureIndexes } from '../../src/store/indexes.ts';
import type { Store } from '../../src/store/port.ts';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

const STRUCTURE = {
  email: { columnName: 'email', columnType: 'COLUMN_MBOX', relatedColumn: null, primary: 1 },
  name: { columnName: 'name', columnType: 'COLUMN_NAME', relatedColumn: null, primary: null },
};

describe('persona erase and Learning Locker import CSVs', () => {
  let dir: string;
  let shared: ProcessStore;
  beforeEach(() => {
    dir = makeTempDir('persona-erase-ll-');
    shared = processStoreFor(join(dir, 'data'));
  });
  afterEach(async () => {
    await shared.discard();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the CLI's store in this process, runs `work`, closes it (one process holds the store at a time). */
  async function withDataDir<T>(work: (store: Store) => Promise<T>): Promise<T> {
    const store = await shared.open();
    try {
      await ensureIndexes(store);
      return await work(store);
    } finally {
      await store.close();
    }
  }
  const llImportsOver = (store: Store) =>
    createLlImportService({ store, imports: createImportService({ store, mergeService: createMergeService({ store }) }) });

  it('erases the persona and blanks its rows in the stored CSV, keeping the other learner and the row numbers', async () => {
    const file = join(dir, 'people.csv');
    writeFileSync(file, 'email,name\nANN@Example.org,Ann\nnot an email,Bad\nbob@example.org,Bob\n');
    const { organisation, importId, ann } = await withDataDir(async (store) => {
      const organisation = (await ensureDefaultOrganisation(store)).organisation._id;
      const doc = newPersonasImport(organisation, 'people');
      await store.collection(PERSONAS_IMPORTS).insertOne(doc);
      const llImports = llImportsOver(store);
      const caller = { organisation, clientId: 'test', scopes: [] };
      await llImports.upload(caller, doc._id, file, 'people.csv');
      await store.collection(PERSONAS_IMPORTS).updateOne({ _id: doc._id }, { $set: { structure: STRUCTURE } });
      await llImports.start(caller, doc._id);
      await llImports.idle();
      const identifier = await store.collection(COLLECTIONS.identifiers).findOne({ organisation, 'ifi.value': 'mailto:ANN@Example.org' });
      return { organisation, importId: doc._id, ann: identifier!.persona.toHexString() };
    });

    const { stdout } = await run(process.execPath, [cli, 'erase', ann, '--yes', '--json'], { env: { ...process.env, ...shared.env } });
    expect(JSON.parse(stdout).counts.personas).to.equal(1);

    const csv = await withDataDir(async (store) => text(await llImportsOver(store).errorCsv(organisation, importId)));
    expect(csv.toLowerCase()).to.not.include('ann@example.org');
    const rows: string[][] = parse(csv);
    expect(rows.map((row) => row.slice(0, 2))).to.deep.equal([
      ['email', 'name'],
      ['', ''],
      ['not an email', 'Bad'],
      ['bob@example.org', 'Bob'],
    ]);
    expect(rows[2][2]).to.match(/email/);
  });
});
