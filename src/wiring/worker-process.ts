// A statements worker process, composed from config: store, resolver, optional write-back and events, the BullMQ
// worker. Used by `npm run worker` (workers/statements.worker.ts) and `persona worker`. close() stops taking jobs,
// lets running ones finish, then closes everything, so SIGTERM loses nothing.
import { loadStoreId, withStoreQueuePrefix } from '../queue/store-queue-prefix.ts';
import type { Config } from '../config.ts';
import { startEvents } from '../queue/events-worker.ts';
import type { OnRenamed } from '../features/names/name-policy.ts';
import { createResolver, resolverOptionsOf } from '../features/resolver/resolver.service.ts';
import { startWriteBack } from '../queue/write-back-worker.ts';
import { checkAllIndexes } from './all-indexes.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/port.ts';
import { probeRedis } from '../queue/redis-connection.ts';
import { startStatementWorker, type AfterResolveHook, type WorkerLogger } from '../queue/statement-worker.ts';

export interface WorkerProcess {
  close(): Promise<void>;
}

export async function startWorkerProcess(
  givenConfig: Config, logger: WorkerLogger, overrides: { concurrency?: number; store?: Store } = {},
): Promise<WorkerProcess> {
  let config = givenConfig;
  // A worker without Redis has nothing to do: fail fast with the reason instead of retrying silently.
  await probeRedis(config.REDIS_URL, config.QUEUE_STARTUP_TIMEOUT_MS);
  // The API process passes its own store (one LMDB environment per process), its indexes already ensured; it
  // stays the API's to close.
  const ownsStore = !overrides.store;
  const store = overrides.store ?? await openStore(config);
  const closers: Array<() => Promise<void>> = [];
  try {
    if (ownsStore) await checkAllIndexes(store, logger);
    // The queues of this store (the API's, when it passes its store and resolved config, are the same).
    const storeId = await loadStoreId(store);
    config = withStoreQueuePrefix(config, storeId);
    const hooks: AfterResolveHook[] = [];
    let onRenamed: OnRenamed | undefined;
    if (config.WRITE_BACK_STATEMENTS) {
      const target = await openWriteBackTarget(config, store);
      closers.push(target.close);
      const writeBack = await startWriteBack(config, store, target.store.collection(config.WRITE_BACK_COLLECTION), logger);
      hooks.push(writeBack.hook);
      closers.unshift(writeBack.close);
      // The name policy may rename personas while resolving: their statements are re-stamped as after an API rename.
      onRenamed = writeBack.restampPersona;
    }
    const resolver = createResolver({
      store, options: resolverOptionsOf(config), onRenamed,
    });
    const events = startEvents(config, store, logger);
    hooks.push(events.hook);
    closers.unshift(events.close);
    const worker = startStatementWorker({
      redisUrl: config.REDIS_URL, queueName: config.QUEUE_NAME, prefix: config.QUEUE_PREFIX, storeId,
      concurrency: overrides.concurrency ?? config.WORKER_CONCURRENCY, lockMs: config.WORKER_LOCK_MS,
      stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS, maxStalled: config.WORKER_MAX_STALLED, jobResult: config.JOB_RESULT,
      sliceSize: config.RESOLVER_BATCH_SIZE, fallbackRetry: { attempts: config.QUEUE_JOB_ATTEMPTS, backoffMs: config.QUEUE_BACKOFF_MS },
    }, { resolveStatements: (organisation, statements) => resolver.resolveStatements(organisation, statements), afterResolve: hooks, logger });
    // The statement worker stops first (running jobs finish and still use the hooks), then the hooks, then stores.
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

/** Learning Locker's database when WRITE_BACK_MONGODB_URL is set, else our own store (LL database mode). */
async function openWriteBackTarget(config: Config, store: Store): Promise<{ store: Store; close: () => Promise<void> }> {
  if (!config.WRITE_BACK_MONGODB_URL) return { store, close: async () => {} };
  const target = await openStore({ ...config, STORE: 'mongodb', MONGODB_URL: config.WRITE_BACK_MONGODB_URL, MONGODB_DB: config.WRITE_BACK_MONGODB_DB }, { identityEpoch: false });
  return { store: target, close: () => target.close() };
}
