// Every index the service needs: the core list of src/store/indexes.ts plus those that features declare for their
// own queries. One function, so `persona migrate`, the API, workers and the CLI all create the same set. With
// write-back on and statements in this store (no WRITE_BACK_MONGODB_URL), the statement indexes write-back needs too
// (a separate Learning Locker database gets them when write-back starts).
import { COMPAT_INDEXES } from '../compat/compat-indexes.ts';
import { ensureIndexes } from '../store/indexes.ts';
import type { Store } from '../store/port.ts';
import type { Config } from '../config.ts';
import { NAME_INDEXES } from './names/names.indexes.ts';
import { NATIVE_API_INDEXES } from './personas/personas.indexes.ts';
import { WRITE_BACK_INDEXES } from './write-back/write-back-indexes.ts';

export type IndexConfig = Pick<Config, 'WRITE_BACK_STATEMENTS' | 'WRITE_BACK_MONGODB_URL' | 'WRITE_BACK_COLLECTION'>;

export function ensureAllIndexes(store: Store, config?: IndexConfig): Promise<string[]> {
  const writeBack = config?.WRITE_BACK_STATEMENTS && !config.WRITE_BACK_MONGODB_URL
    ? WRITE_BACK_INDEXES.map((index) => ({ collection: config.WRITE_BACK_COLLECTION, ...index })) : [];
  return ensureIndexes(store, [...NATIVE_API_INDEXES, ...NAME_INDEXES, ...COMPAT_INDEXES, ...writeBack]);
}
