// The real app (createApp, as `npm start` builds it) over a fresh store (test/support's store under test: MongoDB
// when MONGODB_URL is set, else embedded in a temp dir), on an ephemeral port, with two organisations and clients:
// `a` (all scopes), `b` (another organisation, all scopes), and helpers to make clients with chosen scopes. Requests go over HTTP with Basic auth, as Learning Locker clients send them.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { ObjectId } from 'bson';
import { createApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { COLLECTIONS, type Scope } from '../../../src/domain/model.ts';
import { ALL_SCOPES } from '../../../src/features/clients/clients.service.ts';
import { openEmbeddedStore } from '../../../src/store/embedded/index.ts';
import { guardShardKeys } from '../../support/shard-key-guard.ts';
import { makeTempDir, openStoreUnderTest, type StoreUnderTest } from '../../support/temp-store.ts';
import { httpCall } from '../../support/http-call.ts';
import { rememberSecret, testLogger } from '../../support/trace-log.ts';

export interface Client {
  key: string;
  secret: string;
  organisation: ObjectId;
}
export interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export interface CompatApp {
  built: App;
  a: Client;
  b: Client;
  client(options: { scopes?: readonly Scope[]; organisation?: ObjectId; expiredOrganisation?: boolean }): Promise<Client>;
  call(
    method: string,
    path: string,
    options?: { client?: Client | null; body?: unknown; raw?: string | Uint8Array; headers?: Record<string, string> },
  ): Promise<Answer>;
  close(): Promise<void>;
}

export const basic = (client: Pick<Client, 'key' | 'secret'>) =>
  `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`;
export const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));

/**
 * `dataDir`: an existing embedded store (e.g. a migrated Learning Locker database); removed on close either way.
 * `env`: more configuration (e.g. `WRITE_BACK_STATEMENTS`).
 */
export async function startCompatApp(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<CompatApp> {
  const dataDir = options.dataDir ?? makeTempDir('persona-compat-');
  const config = loadConfig({ DATA_DIR: dataDir, QUEUE: 'inline', LOG_LEVEL: 'silent', ...options.env });
  // A given data directory is an embedded store prepared by the test (e.g. a migrated LL database).
  const opened: Pick<StoreUnderTest, 'store' | 'discard'> = options.dataDir
    ? { store: await openEmbeddedStore({ dataDir }), discard: async () => {} }
    : await openStoreUnderTest(dataDir);
  // Every query on a collection sharded by organisation must carry it (docs/scaling.md): checked on every call.
  const store = guardShardKeys(opened.store);
  const { discard } = opened;
  const built = await createApp(config, { store, logger: testLogger(), defaultMetrics: false, authRecheckMs: 0 });
  const server: Server = createServer(built.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function client(options: { scopes?: readonly Scope[]; organisation?: ObjectId; expiredOrganisation?: boolean }): Promise<Client> {
    let organisation = options.organisation;
    if (!organisation) {
      const created = await built.services.organisations.create(`org-${new ObjectId().toHexString()}`);
      organisation = created._id;
      if (options.expiredOrganisation) {
        await store
          .collection(COLLECTIONS.organisations)
          .updateOne({ _id: organisation }, { $set: { expiration: new Date(Date.now() - 60_000) } });
      }
    }
    const { client: doc, secret } = await built.services.clients.create({ organisation, scopes: options.scopes ?? ALL_SCOPES });
    rememberSecret(secret);
    return { key: doc.key, secret, organisation };
  }

  const a = await client({});
  const b = await client({});
  return {
    built,
    a,
    b,
    client,
    async call(method, path, options = {}) {
      const who = options.client === undefined ? a : options.client;
      return httpCall(`${base}${path}`, method, { ...options, authorization: who ? basic(who) : undefined });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
      await discard();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
