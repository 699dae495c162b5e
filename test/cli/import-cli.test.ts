// `persona import FILE.csv --mapping …` as a user runs it (child processes on a fresh data directory): a summary per
// import, conflicting rows reported (exit code 1) and written to --errors, merged with --merge-conflicts and then
// in the merge history, and a bad mapping refused before anything is written.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const mapping = JSON.stringify({
  columns: {
    email: { type: 'mbox', primary: 1 },
    login: { type: 'account_name', homePage: 'http://lms.example.org', primary: 2 },
    first: { type: 'name' },
  },
});

describe('persona import (CSV)', () => {
  let dir: string;
  let shared: ProcessStore;
  beforeEach(() => {
    dir = makeTempDir('persona-import-cli-');
    shared = processStoreFor(join(dir, 'data'));
  });
  afterEach(async () => {
    await shared.discard();
    rmSync(dir, { recursive: true, force: true });
  });

  const persona = (args: string[]): Promise<Outcome> =>
    run(process.execPath, [cli, ...args], { env: { ...process.env, ...shared.env } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: Outcome) => error,
    );
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('imports rows, reports a row whose identifiers belong to two personas, and merges them with --merge-conflicts', async () => {
    const first = await persona([
      'import',
      file('a.csv', 'email,login,first\nann@example.org,ann,Ann\nbob@example.org,bob,Bob\n'),
      '--mapping',
      mapping,
      '--json',
    ]);
    expect(first.code).to.equal(0);
    expect(JSON.parse(first.stdout)).to.deep.include({
      state: 'completed',
      processedRows: 2,
      counts: { created: 2, matched: 0, merged: 0, conflicts: 0, errors: 0 },
    });

    const conflicting = file('b.csv', 'email,login,first\nann@example.org,bob,Ann\n');
    const errors = join(dir, 'errors.csv');
    const reported = await persona(['import', conflicting, '--mapping', mapping, '--errors', errors, '--json']);
    expect(reported.code).to.equal(1);
    expect(JSON.parse(reported.stdout).counts).to.deep.equal({ created: 0, matched: 0, merged: 0, conflicts: 1, errors: 0 });
    const errorRows = readFileSync(errors, 'utf8').trim().split('\n');
    expect(errorRows[0]).to.equal('row,email,login,first,errors');
    expect(errorRows[1]).to.match(/^1,ann@example\.org,bob,Ann,"identifiers belong to different personas: [0-9a-f]{24}, [0-9a-f]{24}"$/);
    expect(JSON.parse((await persona(['merges', 'list', '--json'])).stdout).data).to.deep.equal([]);

    const merged = await persona(['import', conflicting, '--mapping', mapping, '--merge-conflicts']);
    expect(merged.code).to.equal(0);
    expect(merged.stdout).to.match(/: completed; 1\/1 rows; created 0, matched 1, merged 1, conflicts 0, errors 0/);
    const [merge] = JSON.parse((await persona(['merges', 'list', '--json'])).stdout).data;
    expect(merge).to.include({ state: 'applied' });
    expect(merge.actor).to.match(/^import:[0-9a-f]{24}$/);
    expect(merge.movedCounts.identifiers).to.equal(2);
  });

  it('refuses a mapping that names no column of the file, before writing anything', async () => {
    const csv = file('a.csv', 'email,login,first\nann@example.org,ann,Ann\n');
    const refused = await persona(['import', csv, '--mapping', JSON.stringify({ columns: { mail: { type: 'mbox' } } })]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('mapping.columns.mail is not a column of the file');
    // Nothing of the refused import was written: the same row imported again is new.
    const imported = await persona(['import', csv, '--mapping', mapping, '--json']);
    expect(JSON.parse(imported.stdout).counts).to.include({ created: 1, matched: 0 });
  });
});
