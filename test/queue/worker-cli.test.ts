// `persona worker` as the real CLI: takes jobs from the queue, and on SIGTERM finishes and exits cleanly.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { createStatementQueue } from '../../src/queue/statement-queue.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir, processStoreFor } from '../support/temp-store.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('persona worker (real CLI, real Redis)', function () {
  this.timeout(60_000);

  it('resolves queued jobs with the given concurrency and stops cleanly on SIGTERM', async () => {
    const prefix = uniquePrefix();
    const dataDir = makeTempDir('persona-worker-cli-');
    const shared = processStoreFor(dataDir);
    const queue = createStatementQueue({
      redisUrl: REDIS_URL,
      queueName: 'persona-statements',
      prefix,
      batchSize: 1000,
      attempts: 2,
      backoffMs: 100,
      keepCompleted: 10,
      keepCompletedSeconds: 600,
    });
    const child = spawn(process.execPath, ['bin/persona.js', 'worker', '--concurrency', '3'], {
      cwd: ROOT,
      env: { ...process.env, ...shared.env, QUEUE_PREFIX: prefix, REDIS_URL, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor('the worker to be ready', async () => output.includes('worker ready'), 30_000);
      expect(output).to.match(/"concurrency":3/);
      const organisation = new ObjectId().toHexString();
      const { jobId } = await queue.enqueue(organisation, [statementBy(agents.openid('https://id.example.org/cli'))]);
      const report = await waitFor('the job to complete', async () => {
        const current = await queue.getJobReport(jobId, organisation);
        return current?.state === 'completed' ? current : null;
      });
      expect(report.result!.counts).to.deep.equal({ resolved: 1, rejected: 0, personasCreated: 1, identifiersCreated: 1 });
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await queue.close();
      await deletePrefix(prefix);
      await shared.discard();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
