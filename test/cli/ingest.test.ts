// `persona ingest` and `persona migrate` as a user runs them: a child process on a fresh data directory.
import { execFile, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { expect } from 'chai';
import { agents, statementBy, XAPI_FIXTURES_DIR } from '../support/statements.ts';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

/** Runs the command with `input` on its standard input; resolves with its exit code and output (never rejects). */
function runWithInput(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const hasScript = () => {
  try {
    return readFileSync('/usr/bin/script').length > 0;
  } catch {
    return false;
  }
};

describe('persona CLI', () => {
  let dir: string;
  let shared: ProcessStore;
  beforeEach(() => {
    dir = makeTempDir('persona-cli-');
    shared = processStoreFor(join(dir, 'data'));
  });
  afterEach(async () => {
    await shared.discard();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ ...process.env, ...shared.env });
  const persona = (args: string[]) => run(process.execPath, [cli, ...args], { env: env() });

  it('ingest --json lists rejected lines and ends with the summary line; a second run creates nothing', async () => {
    const file = join(dir, 'statements.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify(statementBy(agents.mbox('ann@example.org', 'Ann'))),
        '{not json',
        '',
        JSON.stringify({ actor: { mbox: 'ann@example.org' }, verb: { id: 'http://x.org/v' }, object: { id: 'http://x.org/a' } }),
        JSON.stringify(statementBy(agents.account('http://lms.example.org', 'u1'))),
      ].join('\n'),
    );
    // Exit code 1: statements were rejected (README "Exit codes").
    const firstRun = await persona(['ingest', '--json', '--batch-size', '2', file]).then(
      () => null,
      (failure: { code: number; stdout: string }) => failure,
    );
    expect(firstRun?.code).to.equal(1);
    const first = firstRun!.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(first.slice(0, -1).map((entry) => [entry.line, entry.rejected.path])).to.deep.equal([
      [2, '(statement)'],
      [4, 'actor.mbox'],
    ]);
    expect(first.at(-1)).to.include({ statements: 4, resolved: 2, rejected: 2, personasCreated: 2, identifiersCreated: 2 });
    expect(first.at(-1).seconds).to.be.a('number');
    const second = JSON.parse(
      (await runWithInput(process.execPath, [cli, 'ingest', '--json', file], env())).stdout.trim().split('\n').at(-1)!,
    );
    expect(second).to.include({ resolved: 2, personasCreated: 0, identifiersCreated: 0 });
  });

  it('ingest resolves the whole shared valid corpus', async () => {
    const { stdout } = await persona(['ingest', '--json', join(XAPI_FIXTURES_DIR, 'xapi-valid-statements.jsonl')]);
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).to.include({ statements: 457, resolved: 457, rejected: 0 });
  });

  it('ingest refuses a malformed organisation id before touching anything', async () => {
    const error = await persona(['ingest', '--organisation', 'nope', 'x.jsonl']).then(
      () => null,
      (failure) => failure,
    );
    expect(error?.stderr).to.match(/24-character hex/);
  });

  const twoRejected = () =>
    [
      JSON.stringify(statementBy(agents.mbox('ann@example.org', 'Ann'))),
      '{not json',
      JSON.stringify({ actor: { mbox: 'ann@example.org' }, verb: { id: 'http://x.org/v' }, object: { id: 'http://x.org/a' } }),
      JSON.stringify(statementBy(agents.account('http://lms.example.org', 'u1'))),
    ].join('\n');

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
    expect((await persona(['--version'])).stdout.trim()).to.equal(version);
  });

  it('ingest - reads standard input; exit 1 when a statement was rejected, 0 when none was', async () => {
    const rejected = await runWithInput(process.execPath, [cli, 'ingest', '--json', '-'], env(), twoRejected());
    expect(rejected.code).to.equal(1);
    const lines = rejected.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.slice(0, -1).map((entry) => entry.line)).to.deep.equal([2, 3]);
    expect(lines.at(-1)).to.include({ statements: 4, resolved: 2, rejected: 2, personasCreated: 2 });
    const clean = await runWithInput(
      process.execPath,
      [cli, 'ingest', '-'],
      env(),
      readFileSync(join(import.meta.dirname, '..', 'fixtures', 'xapi', 'xapi-valid-statements.jsonl'), 'utf8'),
    );
    expect(clean.code, clean.stderr).to.equal(0);
    expect(clean.stdout).to.match(/^457 statements: 457 resolved, 0 rejected/);
  });

  it('exit 2 for usage and configuration errors, each one line on stderr naming the problem', async () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['ingest', join(dir, 'missing.jsonl')], {}, /missing\.jsonl: no such file/],
      [['ingest', '--no-such-option', 'x.jsonl'], {}, /unknown option '--no-such-option'/],
      [['no-such-command'], {}, /unknown command 'no-such-command'/],
      [['migrate'], { PORT: 'eighty' }, /^persona: invalid configuration: PORT: /],
    ];
    for (const [args, extraEnv, message] of cases) {
      const outcome = await runWithInput(process.execPath, [cli, ...args], { ...env(), ...extraEnv });
      expect(outcome.code, args.join(' ')).to.equal(2);
      expect(outcome.stderr.split('\n')[0], args.join(' ')).to.match(message);
      expect(outcome.stderr, args.join(' ')).to.not.match(/\n\s+at /);
    }
  });

  it('on a terminal, rejection lines are printed above the bar (never inside it), and the bar shows statements, rate and ETA', async function () {
    if (!hasScript()) this.skip(); // util-linux `script` gives the command a real terminal
    const file = join(dir, 'statements.jsonl');
    writeFileSync(file, twoRejected());
    const command = [process.execPath, cli, 'ingest', '--batch-size', '1', file].map((part) => `'${part}'`).join(' ');
    const { code, stdout } = await runWithInput('script', ['-qec', command, '/dev/null'], env());
    expect(code).to.equal(1);
    // What the terminal finally shows: each \r or cursor-column reset starts the line again, escapes are not text.
    const screen = stdout.split(/\r?\n/).map(
      (line) =>
        line
          .replaceAll('\u001b[1G', '\r')
          .split('\r')
          .map((segment) => stripVTControlCharacters(segment))
          .filter((segment) => segment !== '')
          .at(-1) ?? '',
    );
    const rejections = screen.filter((line) => line.includes('rejected ('));
    expect(rejections.map((line) => line.slice(0, 'line 2: rejected'.length))).to.deep.equal(['line 2: rejected', 'line 3: rejected']);
    const bar = screen.find((line) => line.startsWith('ingest ['));
    expect(bar).to.match(/100% \| 4 statements \| \d+ statements\/s \| ETA \d+s$/);
    expect(screen.indexOf(bar!)).to.be.greaterThan(screen.indexOf(rejections[1]));
  });

  it('migrate creates every index and is idempotent', async () => {
    const first = JSON.parse((await persona(['migrate', '--json'])).stdout.trim().split('\n').at(-1)!);
    const second = JSON.parse((await persona(['migrate', '--json'])).stdout.trim().split('\n').at(-1)!);
    expect(first.indexes).to.include('personaIdentifiers.organisation_1_canonicalKey_1');
    expect(second.indexes).to.deep.equal(first.indexes);
  });
});
