// The compiled build (scripts/build-dist.js → dist/) is what `npm start`, `npm run worker` and a fresh `persona` run:
// it must behave as the TypeScript source does. Both are run here as a user runs them, side by side.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { buildDist, isDistFresh } from '../../scripts/build-dist.js';
import { XAPI_FIXTURES_DIR } from '../support/statements.ts';
import { makeTempDir } from '../support/temp-store.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const FROM_BUILD = [join(ROOT, 'dist', 'cli.js')];
const FROM_SOURCE = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];

describe('compiled build (dist/)', () => {
  let dir: string;
  before(async () => {
    if (!isDistFresh()) await buildDist();
  });
  beforeEach(() => {
    dir = makeTempDir('persona-build-');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const persona = (entry: string[], args: string[], dataDir: string) =>
    run(process.execPath, [...entry, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: join(dir, dataDir), STORE: 'embedded' },
    }).then(
      ({ stdout }) => stdout,
      (failure: { code: number; stdout: string }) => `exit ${failure.code}\n${failure.stdout}`,
    );

  it('the built persona command prints the same help and version, and ingests a file to the same summary', async () => {
    const file = join(XAPI_FIXTURES_DIR, 'xapi-valid-statements.jsonl');
    for (const args of [['--help'], ['--version'], ['help', 'ingest']]) {
      expect(await persona(FROM_BUILD, args, 'a')).to.equal(await persona(FROM_SOURCE, args, 'a'));
    }
    const summaryOf = (stdout: string) => {
      const { seconds: _seconds, ...counts } = JSON.parse(stdout.trim().split('\n').at(-1)!);
      return counts;
    };
    const built = summaryOf(await persona(FROM_BUILD, ['ingest', '--json', file], 'built'));
    expect(built.resolved).to.be.greaterThan(0);
    expect(built).to.deep.equal(summaryOf(await persona(FROM_SOURCE, ['ingest', '--json', file], 'source')));
  });

  it('the built API serves /health, the admin app and the API docs assets (paths found from the build)', async () => {
    const port = 18_600 + (process.pid % 300);
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      cwd: ROOT,
      stdio: 'ignore',
      env: { ...process.env, DATA_DIR: join(dir, 'api'), STORE: 'embedded', PORT: String(port), QUEUE: 'inline', LOG_LEVEL: 'warn' },
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`dist/main.js exited ${child.exitCode}`);
        if (
          await fetch(`${base}/health`).then(
            (response) => response.ok,
            () => false,
          )
        )
          break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await fetch(`${base}/docs/assets/swagger-ui-bundle.js`)).status).to.equal(200);
      const admin = await fetch(`${base}/admin/`);
      expect(admin.status).to.equal(200);
      expect(await admin.text()).to.match(/<div id="root">|<script/);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
