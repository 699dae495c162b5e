// `persona ingest` and `persona migrate` as a user runs them: a child process on a fresh data directory.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { agents, statementBy, XAPI_FIXTURES_DIR } from '../support/statements.ts';
import { makeTempDir } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

describe('persona CLI', () => {
  let dir: string;
  beforeEach(() => { dir = makeTempDir('persona-cli-'); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const persona = (args: string[]) => run(process.execPath, [cli, ...args], { env: { ...process.env, DATA_DIR: join(dir, 'data') } });

  it('ingest --json lists rejected lines and ends with the summary line; a second run creates nothing', async () => {
    const file = join(dir, 'statements.jsonl');
    writeFileSync(file, [
      JSON.stringify(statementBy(agents.mbox('ann@example.org', 'Ann'))),
      '{not json',
      '',
      JSON.stringify({ actor: { mbox: 'ann@example.org' }, verb: { id: 'http://x.org/v' }, object: { id: 'http://x.org/a' } }),
      JSON.stringify(statementBy(agents.account('http://lms.example.org', 'u1'))),
    ].join('\n'));
    const first = (await persona(['ingest', '--json', '--batch-size', '2', file])).stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(first.slice(0, -1).map((entry) => [entry.line, entry.rejected.path])).to.deep.equal([[2, '(statement)'], [4, 'actor.mbox']]);
    expect(first.at(-1)).to.include({ statements: 4, resolved: 2, rejected: 2, personasCreated: 2, identifiersCreated: 2 });
    expect(first.at(-1).seconds).to.be.a('number');
    const second = JSON.parse((await persona(['ingest', '--json', file])).stdout.trim().split('\n').at(-1)!);
    expect(second).to.include({ resolved: 2, personasCreated: 0, identifiersCreated: 0 });
  });

  it('ingest resolves the whole shared valid corpus', async () => {
    const { stdout } = await persona(['ingest', '--json', join(XAPI_FIXTURES_DIR, 'xapi-valid-statements.jsonl')]);
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).to.include({ statements: 457, resolved: 457, rejected: 0 });
  });

  it('ingest refuses a malformed organisation id before touching anything', async () => {
    const error = await persona(['ingest', '--organisation', 'nope', 'x.jsonl']).then(() => null, (failure) => failure);
    expect(error?.stderr).to.match(/24-character hex/);
  });

  it('migrate creates every index and is idempotent', async () => {
    const first = JSON.parse((await persona(['migrate', '--json'])).stdout.trim().split('\n').at(-1)!);
    const second = JSON.parse((await persona(['migrate', '--json'])).stdout.trim().split('\n').at(-1)!);
    expect(first.indexes).to.include('personaIdentifiers.organisation_1_canonicalKey_1');
    expect(second.indexes).to.deep.equal(first.indexes);
  });
});
