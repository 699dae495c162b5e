// Opens the configured store for a CLI command, makes sure its indexes exist, and always closes it.
import { loadConfig, type Config } from '../config.ts';
import { ensureAllIndexes } from '../features/all-indexes.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/port.ts';

export async function withStore<T>(run: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config);
  try {
    await ensureAllIndexes(store, config);
    return await run(store, config);
  } finally {
    await store.close();
  }
}
