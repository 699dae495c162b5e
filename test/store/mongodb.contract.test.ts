// The storage contract against MongoDB: MONGODB_URL when set, else mongodb-memory-server when it can start; when
// neither is available the suite is registered as pending and a loud warning says so (it never fails the run).
import { openMongoStore } from '../../src/store/mongodb/index.ts';
import { makeTempDir } from '../support/temp-store.ts';
import { describeStoreContract } from './contract.ts';

const START_TIMEOUT_MS = 5_000;

async function startMemoryServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no server after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS); });
  try {
    // Our own data directory (removed at exit): a start that times out would otherwise leave its temporary one behind.
    const server = await Promise.race([MongoMemoryServer.create({ instance: { dbPath: makeTempDir('persona-mongo-') } }), timeout]);
    return { url: server.getUri(), stop: async () => { await server.stop(); } };
  } finally {
    clearTimeout(timer);
  }
}

let url = process.env.MONGODB_URL;
let stopServer: (() => Promise<void>) | null = null;
let skipReason: string | null = null;
if (!url) {
  try {
    const server = await startMemoryServer();
    url = server.url;
    stopServer = server.stop;
  } catch (error) {
    skipReason = (error as Error).message.split('\n')[0];
  }
}

if (url) {
  let counter = 0;
  const base = `persona-contract-${process.pid}-${Date.now()}`;
  describeStoreContract('mongodb', () => openMongoStore({ url: url!, dbName: `${base}-${(counter += 1)}`, serverSelectionTimeoutMs: 5_000 }));
  after(async function () {
    await stopServer?.();
  });
} else {
  console.warn(`*** MongoDB contract suite SKIPPED: no MONGODB_URL and mongodb-memory-server could not start (${skipReason}) ***`);
  describe('storage contract: mongodb', function () {
    it.skip(`SKIPPED: no MONGODB_URL and mongodb-memory-server could not start (${skipReason})`);
  });
}
