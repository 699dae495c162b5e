// Picks the storage adapter from the configuration: the embedded engine (default) or MongoDB. Each adapter is
// imported only when chosen, so a deployment on the embedded store never loads the MongoDB driver, and one on
// MongoDB never loads LMDB.
import type { Config } from '../config.ts';
import { withIdentityEpoch } from './identity-epoch.ts';
import type { Store } from './port.ts';

export type StoreConfig = Pick<Config, 'STORE' | 'DATA_DIR' | 'EMBEDDED_MAP_SIZE_GB' | 'MONGODB_URL' | 'MONGODB_DB'>;

/**
 * The service's store bumps the identity epoch after identity changes (identity-epoch.ts), so caches in other
 * processes see them; `identityEpoch: false` for a store that is not the service's (Learning Locker's database).
 */
export async function openStore(config: StoreConfig, { identityEpoch = true } = {}): Promise<Store> {
  const store = await openAdapter(config);
  return identityEpoch ? withIdentityEpoch(store) : store;
}

async function openAdapter(config: StoreConfig): Promise<Store> {
  if (config.STORE === 'mongodb') {
    if (!config.MONGODB_URL) throw new Error('MONGODB_URL is required when STORE=mongodb');
    const { openMongoStore } = await import('./mongodb/index.ts');
    return openMongoStore({ url: config.MONGODB_URL, dbName: config.MONGODB_DB });
  }
  const { openEmbeddedStore } = await import('./embedded/index.ts');
  return openEmbeddedStore({ dataDir: config.DATA_DIR, mapSizeGb: config.EMBEDDED_MAP_SIZE_GB });
}
