// Every index the service needs: the core list of src/store/indexes.ts plus those that features declare for their
// own queries. One function, so `persona migrate`, the API, workers and the CLI all create the same set.
import { COMPAT_INDEXES } from '../compat/compat-indexes.ts';
import { ensureIndexes } from '../store/indexes.ts';
import type { Store } from '../store/port.ts';
import { NATIVE_API_INDEXES } from './personas/personas.indexes.ts';

export function ensureAllIndexes(store: Store): Promise<string[]> {
  return ensureIndexes(store, [...NATIVE_API_INDEXES, ...COMPAT_INDEXES]);
}
