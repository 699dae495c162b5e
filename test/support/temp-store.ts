// Fresh stores for tests: an embedded store in its own temporary directory (removed on close), the list of
// adapters available on this machine (MongoDB only when MONGODB_URL is set), and the one factory the end-to-end
// suites take their store from, so `MONGODB_URL=… npm test` runs the whole product on MongoDB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { MongoClient } from 'mongodb';
import { openMongoStore } from '../../src/store/mongodb/index.ts';
import { ensureIndexes } from '../../src/store/indexes.ts';
import type { Store } from '../../src/store/port.ts';

const madeDirs: string[] = [];

/** A new temporary directory, removed when the process exits (callers that finish earlier may remove it themselves). */
export function makeTempDir(prefix = 'persona-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

process.on('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

export interface TempStore {
  store: Store;
  dataDir: string | null;
  close(): Promise<void>;
}

export async function openTempEmbeddedStore(options: { dataDir?: string; indexes?: boolean } = {}): Promise<TempStore> {
  const dataDir = options.dataDir ?? makeTempDir();
  const store = await openEmbeddedStore({ dataDir });
  if (options.indexes !== false) await ensureIndexes(store);
  return {
    store,
    dataDir,
    async close() {
      await store.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The MongoDB deployment the suites also run on, or null (then they run on embedded only). */
export const TEST_MONGODB_URL = process.env.MONGODB_URL || null;

const uniqueDbName = () => `persona-test-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** Drops a test database (with its own short-lived client: the store's may already be closed by its owner). */
async function dropTestDatabase(url: string, dbName: string): Promise<void> {
  const client = new MongoClient(url);
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
}

async function openTempMongoStore(url: string): Promise<TempStore> {
  const dbName = uniqueDbName();
  const store = await openMongoStore({ url, dbName });
  await ensureIndexes(store);
  return {
    store,
    dataDir: null,
    async close() {
      await store.close();
      await dropTestDatabase(url, dbName);
    },
  };
}

export interface StoreUnderTest {
  store: Store;
  adapter: 'embedded' | 'mongodb';
  /** Removes the store's data once its owner (usually the app's close()) has closed it. */
  discard(): Promise<void>;
}

/**
 * The store an end-to-end suite runs the product on: a new MongoDB database when MONGODB_URL is set, else an
 * embedded store in `dataDir` (which the caller removes). Indexes are the app's business (createApp builds them).
 */
export async function openStoreUnderTest(dataDir: string): Promise<StoreUnderTest> {
  if (!TEST_MONGODB_URL) return { store: await openEmbeddedStore({ dataDir }), adapter: 'embedded', discard: async () => {} };
  const url = TEST_MONGODB_URL;
  const dbName = uniqueDbName();
  return { store: await openMongoStore({ url, dbName }), adapter: 'mongodb', discard: () => dropTestDatabase(url, dbName) };
}

/** Adapters to run store-backed domain tests against: embedded always, MongoDB when MONGODB_URL is set. */
export function availableStoreFactories(): Array<{ name: string; open: () => Promise<TempStore> }> {
  const factories = [{ name: 'embedded', open: () => openTempEmbeddedStore() }];
  const url = TEST_MONGODB_URL;
  if (url) factories.push({ name: 'mongodb', open: () => openTempMongoStore(url) });
  return factories;
}

/** The store that processes a test starts (CLI, server, worker) run the product on, and the test's own handle to it. */
export interface ProcessStore {
  adapter: 'embedded' | 'mongodb';
  /** Environment for the child processes: STORE and where the data is (DATA_DIR, or MONGODB_URL and MONGODB_DB). */
  env: Record<string, string>;
  /** Opens the same data in this process (to seed or inspect it); the caller closes it. */
  open(): Promise<Store>;
  /** Removes the data (a MongoDB database) once every process using it has stopped. */
  discard(): Promise<void>;
}

/**
 * The data the process suites share with the processes they start: a new MongoDB database when MONGODB_URL is set,
 * else the embedded store in `dataDir`. DATA_DIR is set either way (the initial client's file goes there).
 */
let hasWarnedEmbeddedOnly = false;

export function processStoreFor(dataDir: string): ProcessStore {
  const url = TEST_MONGODB_URL;
  if (!url && !hasWarnedEmbeddedOnly) {
    hasWarnedEmbeddedOnly = true;
    console.warn(
      '*** CLI and process suites on MongoDB SKIPPED: MONGODB_URL is not set (their processes run on the embedded store only) ***',
    );
  }
  if (!url)
    return {
      adapter: 'embedded',
      env: { STORE: 'embedded', DATA_DIR: dataDir },
      open: () => openEmbeddedStore({ dataDir }),
      discard: async () => {},
    };
  const dbName = uniqueDbName();
  return {
    adapter: 'mongodb',
    env: { STORE: 'mongodb', MONGODB_URL: url, MONGODB_DB: dbName, DATA_DIR: dataDir },
    open: () => openMongoStore({ url, dbName }),
    discard: () => dropTestDatabase(url, dbName),
  };
}
