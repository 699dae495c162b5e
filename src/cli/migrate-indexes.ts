// The index step of `persona migrate` (and of --from-learning-locker, after canonical keys exist): everything the
// service needs, however long it takes, with progress, so that start-up only has to check. Order matters: duplicate
// attributes go first (the unique attribute index cannot be built over them). With write-back on and statements in
// a Learning Locker database (WRITE_BACK_MONGODB_URL), that database's statement indexes are built here too.
import type { Config } from '../config.ts';
import { ensureAllIndexes } from '../wiring/all-indexes.ts';
import { ensureWriteBackIndexes } from '../features/write-back/write-back-indexes.ts';
import { refreshEverySearchIndex } from '../features/search/search-index.ts';
import type { IndexProgress } from '../store/indexes.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/port.ts';
import { ensureUniqueAttributes, type UniqueAttributesReport } from './migrate-attributes.ts';

export async function buildEveryIndex(
  store: Store,
  config: Config,
  onIndex?: IndexProgress,
): Promise<{ attributes: UniqueAttributesReport; indexes: string[] }> {
  const attributes = await ensureUniqueAttributes(store);
  const indexes = await ensureAllIndexes(store, config, onIndex);
  // The people search's token index, built from the data (the first search would otherwise build it in a request).
  await refreshEverySearchIndex(store, (organisation, personas) => {
    if (personas > 0) process.stderr.write(`search index of organisation ${organisation.toHexString()}: ${personas} personas indexed\n`);
  });
  if (config.WRITE_BACK_STATEMENTS && config.WRITE_BACK_MONGODB_URL) {
    const target = await openStore(
      { ...config, STORE: 'mongodb', MONGODB_URL: config.WRITE_BACK_MONGODB_URL, MONGODB_DB: config.WRITE_BACK_MONGODB_DB },
      { identityEpoch: false },
    );
    try {
      indexes.push(...(await ensureWriteBackIndexes(target.collection(config.WRITE_BACK_COLLECTION), onIndex)));
    } finally {
      await target.close();
    }
  }
  return { attributes, indexes };
}
