// `npm start` and `npm run worker` as an operator meets their failures: a bad variable or a store or Redis that cannot
// be used is one readable line on stderr and a non-zero exit (2 configuration, 1 otherwise), never a stack trace.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';

const root = join(import.meta.dirname, '..', '..');
const SERVER = ['--import', 'tsx', join(root, 'src', 'main.ts')];
const WORKER = ['--import', 'tsx', join(root, 'workers', 'statements.worker.ts')];

function startFailure(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, args, { env: { ...process.env, ...env }, timeout: 60_000 }, (_error, stdout, stderr) => {
      resolve({ code: child.exitCode, stdout, stderr });
    });
  });
}

describe('start-up failures of the server and the worker', () => {
  let dir: string;
  let shared: ProcessStore;
  beforeEach(() => {
    dir = makeTempDir('persona-startup-');
    shared = processStoreFor(join(dir, 'data'));
  });
  afterEach(async () => {
    await shared.discard();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectOneLine = (outcome: { code: number | null; stderr: string }, code: number, line: RegExp) => {
    expect(outcome.code, outcome.stderr).to.equal(code);
    expect(outcome.stderr.trimEnd().split('\n'), outcome.stderr).to.have.length(1);
    expect(outcome.stderr.trimEnd()).to.match(line);
  };

  it('npm start: a bad variable exits 2, an unusable store exits 1, each with one line', async () => {
    expectOneLine(
      await startFailure(SERVER, { ...shared.env, PORT: 'eighty' }),
      2,
      /^persona-resolver: cannot start: invalid configuration: PORT: /,
    );
    const notADirectory = join(dir, 'a-file');
    writeFileSync(notADirectory, '');
    // An embedded data directory that is a file, whatever store the suite runs on: no MongoDB URL is unusable this fast.
    expectOneLine(
      await startFailure(SERVER, { STORE: 'embedded', DATA_DIR: notADirectory, QUEUE: 'inline' }),
      1,
      /^persona-resolver: cannot start: .*a-file/,
    );
  });

  it('npm run worker: a bad variable exits 2, an unreachable Redis exits 1, each with one line', async () => {
    expectOneLine(
      await startFailure(WORKER, { ...shared.env, WORKER_CONCURRENCY: '0' }),
      2,
      /^persona worker: cannot start: invalid configuration: WORKER_CONCURRENCY: /,
    );
    expectOneLine(
      await startFailure(WORKER, { REDIS_URL: 'redis://127.0.0.1:1', QUEUE_STARTUP_TIMEOUT_MS: '300', ...shared.env }),
      1,
      /^persona worker: cannot start: Redis at redis:\/\/127\.0\.0\.1:1\/? is unreachable/,
    );
  });
});
