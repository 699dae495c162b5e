// `persona jobs failed [--limit n] [--json]` lists dead-lettered statement jobs (BullMQ's failed set);
// `persona jobs retry <id...> | --all` re-drives them with fresh attempts. Needs Redis, and the store only when
// QUEUE_PREFIX is unset (the prefix is then derived from the store's identity, store-queue-prefix.ts).
import type { Queue } from 'bullmq';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { loadStoreId, withStoreQueuePrefix } from '../queue/store-queue-prefix.ts';
import { openStore } from '../store/open-store.ts';
import { listFailedJobs, openDeadLetterQueue, retryFailedJobs } from '../queue/dead-letters.ts';
import { probeRedis } from '../queue/redis-connection.ts';
import { parsePositiveInt } from './cli-arguments.ts';

async function withStatementQueue<T>(run: (queue: Queue) => Promise<T>): Promise<T> {
  // Redis first: without it nothing can be listed, and the store need not be opened.
  const given = loadConfig();
  await probeRedis(given.REDIS_URL, given.QUEUE_STARTUP_TIMEOUT_MS);
  const config = await queueConfigOfStore(given);
  const queue = openDeadLetterQueue({ redisUrl: config.REDIS_URL, queueName: config.QUEUE_NAME, prefix: config.QUEUE_PREFIX });
  try {
    return await run(queue);
  } finally {
    await queue.close();
  }
}

async function queueConfigOfStore(config: Config): Promise<Config> {
  if (!config.QUEUE_PREFIX_FROM_STORE) return config;
  const store = await openStore(config);
  try {
    return withStoreQueuePrefix(config, await loadStoreId(store));
  } finally {
    await store.close();
  }
}

export function registerJobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('inspect and re-drive dead-lettered statement jobs');
  jobs
    .command('failed')
    .description('list jobs that used up their attempts')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 50)
    .option('--json', 'one JSON line per job')
    .action(async (options: { limit: number; json?: boolean }) => {
      const failed = await withStatementQueue((queue) => listFailedJobs(queue, { limit: options.limit }));
      if (options.json) {
        for (const entry of failed) console.log(JSON.stringify(entry));
        return;
      }
      if (failed.length === 0) console.log('no failed jobs');
      for (const entry of failed) {
        console.log(
          `${entry.id}  org ${entry.organisation ?? '?'}  ${entry.statements} statements  ${entry.attemptsMade} attempts  ${entry.failedAt ?? ''}  ${entry.failedReason}`,
        );
      }
    });
  jobs
    .command('retry')
    .description('move failed jobs back to the queue with fresh attempts')
    .argument('[ids...]', 'job ids (see `persona jobs failed`)')
    .option('--all', 'every failed job')
    .option('--json', 'print {retried, missing} as JSON')
    .action(async (ids: string[], options: { all?: boolean; json?: boolean }) => {
      if (!options.all && ids.length === 0) throw new InvalidArgumentError('give job ids or --all');
      if (options.all && ids.length > 0) throw new InvalidArgumentError('give job ids or --all, not both');
      const outcome = await withStatementQueue((queue) => retryFailedJobs(queue, options.all ? {} : { ids }));
      if (options.json) console.log(JSON.stringify(outcome));
      else {
        console.log(`retried ${outcome.retried.length} job(s)${outcome.retried.length ? `: ${outcome.retried.join(', ')}` : ''}`);
        if (outcome.missing.length > 0) console.log(`not failed or unknown: ${outcome.missing.join(', ')}`);
      }
      if (outcome.missing.length > 0) process.exitCode = 1;
    });
}
