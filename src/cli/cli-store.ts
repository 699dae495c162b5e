// Opens the configured store for a CLI command, checks its indexes as start-up does (builds them only on a new,
// empty store; `persona migrate` opts out and builds them itself), and always closes it.
import { loadConfig, type Config } from '../config.ts';
import { checkAllIndexes } from '../wiring/all-indexes.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/port.ts';
import { stderrWarnings } from './stderr-warnings.ts';

export async function withStore<T>(run: (store: Store, config: Config) => Promise<T>, { checkIndexes = true } = {}): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config);
  try {
    if (checkIndexes) await checkAllIndexes(store, stderrWarnings, config);
    return await run(store, config);
  } finally {
    await store.close();
  }
}
