// Fresh stores for tests: an embedded store in its own temporary directory (removed on close), and the list of
// adapters available on this machine (MongoDB only when MONGODB_URL is set).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
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
    store, dataDir,
    async close() {
      await store.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function openTempMongoStore(url: string): Promise<TempStore> {
  const dbName = `persona-test-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const store = await openMongoStore({ url, dbName });
  await ensureIndexes(store);
  return { store, dataDir: null, async close() { await store.close(); } };
}

/** Adapters to run store-backed domain tests against: embedded always, MongoDB when MONGODB_URL is set. */
export function availableStoreFactories(): Array<{ name: string; open: () => Promise<TempStore> }> {
  const factories = [{ name: 'embedded', open: () => openTempEmbeddedStore() }];
  const url = process.env.MONGODB_URL;
  if (url) factories.push({ name: 'mongodb', open: () => openTempMongoStore(url) });
  return factories;
}
