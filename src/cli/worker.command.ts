// `persona worker [--concurrency n]`: runs a statements worker in this process until SIGTERM/SIGINT, then finishes
// the running jobs and exits (same behaviour as `npm run worker`; a second signal exits at once).
import { pino } from 'pino';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { startWorkerProcess } from '../wiring/worker-process.ts';
import { onShutdownSignal } from '../shutdown-signals.ts';
import { parsePositiveInt } from './cli-arguments.ts';

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
      // Resolves when the worker stopped, so the command (and its process) ends then.
      await new Promise<void>((resolve) => {
        onShutdownSignal(
          async (signal) => {
            logger.info({ signal }, 'stopping: finishing running jobs');
            await running.close();
            resolve();
          },
          (error) => {
            logger.error({ err: error.message }, 'worker did not stop cleanly');
            resolve();
          },
        );
      });
    });
}
