// Every index the service needs: the core list of src/store/indexes.ts plus those that features declare for their
// own queries. One list, so `persona migrate` builds and the API, workers and the CLI check the same set. With
// write-back on and statements in this store (no WRITE_BACK_MONGODB_URL), the statement indexes write-back needs too
// (a separate Learning Locker database gets them from `persona migrate` as well; see write-back-indexes.ts).
import { COMPAT_INDEXES } from '../compat/compat-indexes.ts';
import { assertNoUniqueIndexGaps, checkIndexes, describeIndexGap } from '../store/index-check.ts';
import { ensureIndexes, type IndexDefinition, type IndexProgress } from '../store/indexes.ts';
import type { Store } from '../store/port.ts';
import type { Config } from '../config.ts';
import { NATIVE_API_INDEXES } from '../features/personas/personas.indexes.ts';
import { SEARCH_INDEXES } from '../features/search/search-index.ts';
import { WRITE_BACK_INDEXES } from '../features/write-back/write-back-indexes.ts';
import { PSEUDONYM_INDEXES } from '../features/pseudonyms/pseudonym-map.ts';
import { BLOCKED_TALLY_INDEXES } from '../features/identity-rules/blocked-tally.ts';

export type IndexConfig = Pick<Config, 'WRITE_BACK_STATEMENTS' | 'WRITE_BACK_MONGODB_URL' | 'WRITE_BACK_COLLECTION'>;

function featureIndexes(config?: IndexConfig): IndexDefinition[] {
  const writeBack =
    config?.WRITE_BACK_STATEMENTS && !config.WRITE_BACK_MONGODB_URL
      ? WRITE_BACK_INDEXES.map((index) => ({ collection: config.WRITE_BACK_COLLECTION, ...index }))
      : [];
  return [...NATIVE_API_INDEXES, ...SEARCH_INDEXES, ...COMPAT_INDEXES, ...PSEUDONYM_INDEXES, ...BLOCKED_TALLY_INDEXES, ...writeBack];
}

/** Builds every missing index (`persona migrate`), however long it takes; `onIndex` reports progress. */
export function ensureAllIndexes(store: Store, config?: IndexConfig, onIndex?: IndexProgress): Promise<string[]> {
  return ensureIndexes(store, featureIndexes(config), onIndex);
}

export interface IndexWarningLogger {
  warn(details: object, message?: string): void;
}

/**
 * Start-up of the API, a worker or a CLI command: builds indexes only on empty collections (a new store), refuses to
 * run without a unique index, and warns about other missing ones (`persona migrate` builds them).
 */
export async function checkAllIndexes(store: Store, logger: IndexWarningLogger, config?: IndexConfig): Promise<void> {
  const gaps = await checkIndexes(store, featureIndexes(config));
  assertNoUniqueIndexGaps(gaps);
  if (gaps.length > 0) {
    logger.warn(
      { missingIndexes: gaps.map(describeIndexGap) },
      `${gaps.length} indexes missing on collections that hold data: some queries scan until \`persona migrate\` builds them`,
    );
  }
}
