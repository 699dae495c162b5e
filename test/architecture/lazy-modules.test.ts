// A deployment loads only the modules it uses: the API server on the embedded store without Redis never imports
// BullMQ, ioredis or the MongoDB driver (src/wiring/application.ts looks at Redis's port before importing the queue;
// src/store/open-store.ts imports the chosen adapter only). Checked on the real server process, whose module loader
// records every module it resolves (test/support/module-recorder.mjs); with Redis answering, the same recorder sees
// BullMQ load, so an empty answer means "not loaded", not "not recorded".
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { makeTempDir } from '../support/temp-store.ts';
import { closedPort, deletePrefix, REDIS_URL, uniquePrefix } from '../queue/queue-support.ts';

const root = join(import.meta.dirname, '..', '..');
const RECORDER = join(root, 'test', 'support', 'module-recorder.mjs');

/** Starts `src/main.ts`, waits until it listens, stops it; answers the packages it loaded (node_modules names). */
async function packagesLoadedBy(env: Record<string, string>): Promise<Set<string>> {
  const dir = makeTempDir('persona-lazy-modules-');
  const record = join(dir, 'modules.txt');
  try {
    const child = spawn(process.execPath, ['--import', RECORDER, '--import', 'tsx', join(root, 'src', 'main.ts')], {
      env: {
        ...process.env,
        DATA_DIR: join(dir, 'data'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        MODULE_RECORD_FILE: record,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const seen = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('listening on http')) resolve();
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${output}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const urls = readFileSync(record, 'utf8').split('\n');
    return new Set(urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('modules a deployment does not use are not loaded', function () {
  this.timeout(120_000);

  it('the API on the embedded store without Redis imports neither BullMQ, ioredis nor the MongoDB driver', async () => {
    const loaded = await packagesLoadedBy({ STORE: 'embedded', QUEUE: 'auto', REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    expect([...loaded].filter((name) => ['bullmq', 'ioredis', 'mongodb'].includes(name))).to.deep.equal([]);
    expect(loaded.has('lmdb'), 'the embedded store is loaded').to.equal(true);
    expect(loaded.has('express'), 'the HTTP server is loaded').to.equal(true);
  });

  it('with Redis answering, the same process does load BullMQ and ioredis (the queue is on)', async () => {
    const prefix = uniquePrefix();
    const loaded = await packagesLoadedBy({ STORE: 'embedded', QUEUE: 'auto', REDIS_URL, QUEUE_PREFIX: prefix }).finally(() =>
      deletePrefix(prefix),
    );
    expect(loaded.has('bullmq')).to.equal(true);
    expect(loaded.has('ioredis')).to.equal(true);
    expect(loaded.has('mongodb')).to.equal(false);
  });
});
