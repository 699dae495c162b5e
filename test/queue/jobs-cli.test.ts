// `persona jobs failed|retry` run as the real CLI against the real Redis: dead letters are listed with their reason
// and re-driven back to the queue.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { ObjectId } from 'bson';
import { bullConnection } from '../../src/queue/redis-connection.ts';
import { startStatementWorker } from '../../src/queue/statement-worker.ts';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

async function persona(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/persona.js', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('persona jobs failed|retry (real Redis)', function () {
  this.timeout(60_000);
  let prefix: string;
  let queue: Queue;
  let dataDir: string;
  // The store the CLI would open for a prefix derived from its identity (these commands give QUEUE_PREFIX).
  let shared: ProcessStore;

  beforeEach(() => {
    dataDir = makeTempDir('persona-jobs-cli-');
    shared = processStoreFor(dataDir);
    prefix = uniquePrefix();
    queue = new Queue('persona-statements', { connection: bullConnection(REDIS_URL), prefix });
  });
  afterEach(async () => {
    await queue.close();
    await deletePrefix(prefix);
    await shared.discard();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists dead-lettered jobs and re-drives the chosen ones', async () => {
    const organisation = new ObjectId().toHexString();
    const worker = startStatementWorker(
      {
        redisUrl: REDIS_URL,
        queueName: 'persona-statements',
        prefix,
        concurrency: 1,
        lockMs: 5000,
        stalledIntervalMs: 5000,
        maxStalled: 1,
        jobResult: 'counts',
      },
      { resolveStatements: () => Promise.reject(new Error('store unavailable')), logger: { info() {}, warn() {}, error() {} } },
    );
    try {
      await queue.add('resolve', { organisation, statements: [{ id: 'x' }] }, { attempts: 1 });
      await queue.add('resolve', { organisation, statements: [{ id: 'y' }, { id: 'z' }] }, { attempts: 1 });
      await waitFor('both jobs dead-lettered', async () => (await queue.getJobCounts('failed')).failed === 2);
    } finally {
      await worker.close();
    }
    const env = { ...shared.env, QUEUE_PREFIX: prefix, REDIS_URL };
    const listed = await persona(['jobs', 'failed', '--json'], env);
    expect(listed.code, listed.stderr).to.equal(0);
    const lines = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.statements).sort()).to.deep.equal([1, 2]);
    expect(lines.every((line) => line.failedReason === 'store unavailable' && line.organisation === organisation)).to.equal(true);

    const target = lines.find((line) => line.statements === 1).id;
    const retried = await persona(['jobs', 'retry', target, 'no-such-job', '--json'], env);
    expect(retried.code).to.equal(1);
    expect(JSON.parse(retried.stdout)).to.deep.equal({ retried: [target], missing: ['no-such-job'] });
    expect(await (await queue.getJob(target))!.getState()).to.equal('waiting');
    expect((await queue.getJobCounts('failed')).failed).to.equal(1);

    const all = await persona(['jobs', 'retry', '--all', '--json'], env);
    expect(all.code).to.equal(0);
    expect(JSON.parse(all.stdout).retried).to.have.length(1);
    expect((await queue.getJobCounts('failed')).failed).to.equal(0);
  });

  it('refuses retry without ids or --all, and names an unreachable Redis', async () => {
    const bare = await persona(['jobs', 'retry'], { ...shared.env, QUEUE_PREFIX: prefix, REDIS_URL });
    expect(bare.code).to.not.equal(0);
    expect(bare.stderr).to.match(/give job ids or --all/);
    const down = await persona(['jobs', 'failed'], { ...shared.env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(down.code).to.not.equal(0);
    expect(down.stderr).to.match(/Redis at redis:\/\/127.0.0.1:1\/? is unreachable/);
  });
});
