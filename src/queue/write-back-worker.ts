// The write-back back-fill worker of a worker process (WRITE_BACK_STATEMENTS=true): the rate-limited jobs that stamp
// older statements (features/write-back/statement-backfill.ts). Ingest-path stamping is an after-resolution effect
// (wiring/after-resolution.ts), the same in every process.
import { Worker } from 'bullmq';
import type { Config } from '../config.ts';
import { bullConnection } from './redis-connection.ts';
import type { WorkerLogger } from './statement-worker.ts';
import type { Collection, Store } from '../store/port.ts';
import { createBackfillProcessor, type BackfillJobData } from '../features/write-back/statement-backfill.ts';
import { backfillQueueName } from './backfill-queue.ts';

export type WriteBackConfig = Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX' | 'QUEUE_NAME' | 'BACKFILL_BATCH_SIZE' | 'BACKFILL_RATE'> &
  Partial<Pick<Config, 'WRITE_BACK_PERSON'>>;

/** `store` holds personas; `statements` is Learning Locker's statements collection (opened by the wiring). */
export function startBackfillWorker(
  config: WriteBackConfig,
  store: Store,
  statements: Collection,
  logger: WorkerLogger,
): { close(): Promise<void> } {
  const backfillWorker = new Worker<BackfillJobData>(
    backfillQueueName(config.QUEUE_NAME),
    createBackfillProcessor({
      store,
      statements,
      batchSize: config.BACKFILL_BATCH_SIZE,
      ratePerSecond: config.BACKFILL_RATE,
      person: config.WRITE_BACK_PERSON,
    }),
    { connection: bullConnection(config.REDIS_URL), prefix: config.QUEUE_PREFIX, concurrency: 1 },
  );
  backfillWorker.on('failed', (job, error) => logger.warn({ jobId: job?.id, err: error.message }, 'back-fill step failed'));
  backfillWorker.on('error', (error) => logger.error({ err: error.message }, 'back-fill worker error'));
  return { close: () => backfillWorker.close() };
}
