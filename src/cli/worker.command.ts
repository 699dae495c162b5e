// `persona worker [--concurrency n]`: runs a statements worker in this process until SIGTERM/SIGINT, then finishes
// the running jobs and exits (same behaviour as `npm run worker`).
import { pino } from 'pino';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.ts';
import { startWorkerProcess } from '../wiring/worker-process.ts';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('resolve queued statement jobs (BullMQ queue QUEUE_NAME on REDIS_URL) until stopped')
    .option('--concurrency <n>', 'jobs processed at once (default WORKER_CONCURRENCY)', parsePositiveInt)
    .action(async (options: { concurrency?: number }) => {
      const config = loadConfig();
      const logger = pino({ level: config.LOG_LEVEL });
      const running = await startWorkerProcess(config, logger, { concurrency: options.concurrency });
      logger.info({ pid: process.pid }, 'worker ready');
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          logger.info({ signal }, 'stopping: finishing running jobs');
          running.close().then(resolve, (error: Error) => { logger.error({ err: error.message }, 'worker did not stop cleanly'); resolve(); });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}

function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
}
