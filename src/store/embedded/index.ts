// Entry point of the embedded engine (lmdb + mingo): opens a data directory as a Store.
import type { Store } from '../port.ts';
import type { ChangeLogLimits } from './change-log.ts';
import { EmbeddedEngine } from './embedded-engine.ts';
import { EmbeddedStore } from './embedded-store.ts';
import { LmdbEnvironment } from './lmdb-environment.ts';

export interface EmbeddedStoreOptions {
  dataDir: string;
  /** Maximum size of the data file in GiB (EMBEDDED_MAP_SIZE_GB); the file grows sparsely. Default 64. */
  mapSizeGb?: number;
  /** Exact map size in bytes; overrides mapSizeGb (tests of the store-full behaviour). */
  mapSizeBytes?: number;
  /** Database name used in error messages (`E11000 … collection: <db>.<collection>`). Default `embedded`. */
  dbName?: string;
  /** Bounds of the change log behind changesSince (defaults in change-log.ts); small ones let tests trim it. */
  changeLog?: ChangeLogLimits;
}

export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<Store> {
  const environment = await LmdbEnvironment.open({
    dataDir: options.dataDir,
    mapSizeGb: options.mapSizeGb,
    mapSizeBytes: options.mapSizeBytes,
  });
  const engine = new EmbeddedEngine(environment, options.dbName ?? 'embedded', options.changeLog);
  return new EmbeddedStore(engine);
}

export { StoreFullError, DuplicateKeyError, StoreWriteError, InsertManyError } from './errors.ts';
