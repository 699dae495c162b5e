// `npm run worker`: one statements worker process (concurrency WORKER_CONCURRENCY). Run as many as the store can
// take; they share the queue and the resolver keeps them race-free. SIGTERM/SIGINT: stop taking jobs, finish the
// running ones, exit 0; a second signal exits at once (running jobs are then re-run elsewhere after WORKER_LOCK_MS).
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { exitOnStartupFailure } from '../src/exit-codes.ts';
import { startWorkerProcess } from '../src/wiring/worker-process.ts';
import { onShutdownSignal } from '../src/shutdown-signals.ts';

/** A bad variable or an unreachable Redis or store: one line on stderr, exit 2 or 1 (README "Exit codes"). */
async function startOrExit() {
  try {
    const config = loadConfig();
    const logger = pino({ level: config.LOG_LEVEL });
    return { logger, running: await startWorkerProcess(config, logger) };
  } catch (error) {
    return exitOnStartupFailure('persona worker', error);
  }
}

const { logger, running } = await startOrExit();
onShutdownSignal(
  async (signal) => {
    logger.info({ signal }, 'stopping: finishing running jobs');
    await running.close();
    logger.info({}, 'worker stopped');
    process.exit(0);
  },
  (error) => {
    logger.error({ err: error.message }, 'worker did not stop cleanly');
    process.exit(1);
  },
);
// For supervisors and tests: the worker is connected and taking jobs.
logger.info({ pid: process.pid }, 'worker ready');
