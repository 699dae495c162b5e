// A statements worker process, composed from config by the one wiring (application.ts): store, queue, resolution
// pipeline (resolver and after-resolution effects), plus the consumers: the statement worker, the write-back back-fill
// worker and the webhook delivery worker. Used by `npm run worker` (workers/statements.worker.ts), `persona worker`
// and the API's own worker. close() stops taking jobs, lets running ones finish, then closes everything, so SIGTERM
// loses nothing.
import { ObjectId } from 'bson';
import type { Config } from '../config.ts';
import { checkAllIndexes } from './all-indexes.ts';
import { openApplication, type Application } from './application.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/port.ts';
import type { WorkerLogger } from '../queue/statement-worker.ts';

/** The BullMQ consumers, imported when a worker starts: the API imports this file, and without a queue never them. */
async function loadConsumers() {
  const [{ probeRedis }, { startStatementWorker }, { startBackfillWorker }, { startWebhookWorker }] = await Promise.all([
    import('../queue/redis-connection.ts'),
    import('../queue/statement-worker.ts'),
    import('../queue/write-back-worker.ts'),
    import('../queue/events-worker.ts'),
  ]);
  return { probeRedis, startStatementWorker, startBackfillWorker, startWebhookWorker };
}

export interface WorkerProcess {
  close(): Promise<void>;
}

export async function startWorkerProcess(
  givenConfig: Config,
  logger: WorkerLogger,
  overrides: { concurrency?: number; store?: Store; application?: Application } = {},
): Promise<WorkerProcess> {
  const { probeRedis, startStatementWorker, startBackfillWorker, startWebhookWorker } = await loadConsumers();
  // A worker without Redis has nothing to do: fail fast with the reason instead of retrying silently.
  await probeRedis(givenConfig.REDIS_URL, givenConfig.QUEUE_STARTUP_TIMEOUT_MS);
  // The API process passes its own store (one LMDB environment per process), its indexes already ensured, and its
  // application (one resolver, one write-back target, one queue per process); they stay the API's to close.
  const ownsStore = !overrides.store;
  const store = overrides.store ?? (await openStore(givenConfig));
  const closers: Array<() => Promise<void>> = [];
  try {
    if (ownsStore) await checkAllIndexes(store, logger);
    let application = overrides.application;
    if (!application) {
      const opened = await openApplication(givenConfig, store, { logger, queue: 'required' });
      closers.push(() => opened.close());
      application = opened;
    }
    const { config, storeId, resolution } = application;
    if (application.writeBack) {
      const backfills = startBackfillWorker(config, store, application.writeBack.statements, logger);
      closers.unshift(backfills.close);
    }
    const webhooks = startWebhookWorker(config, logger);
    if (webhooks) closers.unshift(webhooks.close);
    const worker = startStatementWorker(
      {
        redisUrl: config.REDIS_URL,
        queueName: config.QUEUE_NAME,
        prefix: config.QUEUE_PREFIX,
        storeId,
        concurrency: overrides.concurrency ?? config.WORKER_CONCURRENCY,
        lockMs: config.WORKER_LOCK_MS,
        stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
        maxStalled: config.WORKER_MAX_STALLED,
        jobResult: config.JOB_RESULT,
        sliceSize: config.RESOLVER_BATCH_SIZE,
        fallbackRetry: { attempts: config.QUEUE_JOB_ATTEMPTS, backoffMs: config.QUEUE_BACKOFF_MS },
      },
      {
        // The organisation is re-made here: under a CommonJS test loader a lazily imported module's ObjectId can be
        // another bson build than the store's codec knows, and would be stored as text.
        resolveStatements: (organisation, statements) => resolution.resolveStatements(new ObjectId(organisation.toHexString()), statements),
        logger,
      },
    );
    // The statement worker stops first (running jobs finish and still run their effects), then the other consumers,
    // then the queue and the stores.
    closers.unshift(() => worker.close());
  } catch (error) {
    await closeAll(closers, ownsStore ? store : null);
    throw error;
  }
  return { close: () => closeAll(closers, ownsStore ? store : null) };
}

async function closeAll(closers: Array<() => Promise<void>>, store: Store | null): Promise<void> {
  for (const close of closers) await close();
  await store?.close();
}
