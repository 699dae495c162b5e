// Which store a queue belongs to. Every store gets an identity at its first open (a random id kept in the store), and
// without QUEUE_PREFIX the BullMQ prefix is `bull-<store id>`: two installations on one machine (QUEUE=auto finds
// any local Redis) then use disjoint queues, while the API and the workers of one store meet on the same ones. Jobs
// also carry the id (job-payload.ts `store`), and a worker never resolves a job enqueued for another store.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import { loadOrCreateSetting } from '../store/service-settings.ts';
import type { Store } from '../store/port.ts';

/** The store's identity: 16 hex characters, created at its first open. */
export function loadStoreId(store: Store): Promise<string> {
  return loadOrCreateSetting(store, 'storeId', () => randomBytes(8).toString('hex'));
}

/** The config with the queue prefix of this store (unchanged when QUEUE_PREFIX was set). */
export function withStoreQueuePrefix<C extends Pick<Config, 'QUEUE_PREFIX' | 'QUEUE_PREFIX_FROM_STORE'>>(config: C, storeId: string): C {
  return config.QUEUE_PREFIX_FROM_STORE ? { ...config, QUEUE_PREFIX: `bull-${storeId}`, QUEUE_PREFIX_FROM_STORE: false } : config;
}
