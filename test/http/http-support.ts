// The real express app on an ephemeral port over a fresh store (test/support's store under test: MongoDB when
// MONGODB_URL is set, else embedded in a temp dir), and a small fetch client.
// Each test app has the first-start client (all scopes, organisation A) and helpers to make more clients.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { rmSync } from 'node:fs';
import { ObjectId } from 'bson';
import type { Logger } from 'pino';
import type { Scope } from '../../src/domain/model.ts';
import type { Store } from '../../src/store/port.ts';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createHttpServer, serverTimeoutsOf } from '../../src/http/http-server.ts';
import { ensureInitialClient, type InitialClient } from '../../src/features/clients/initial-client.ts';
import { createOrganisationsService } from '../../src/features/organisations/organisations.service.ts';
import { guardShardKeys } from '../support/shard-key-guard.ts';
import { makeTempDir, openStoreUnderTest } from '../support/temp-store.ts';
import { httpCall } from '../support/http-call.ts';
import { rememberSecret, testLogger } from '../support/trace-log.ts';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Credentials {
  key: string;
  secret: string;
}

export interface TestApi {
  baseUrl: string;
  built: App;
  admin: InitialClient;
  dataDir: string;
  request<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; raw?: string; auth?: Credentials | string | null; headers?: Record<string, string> },
  ): Promise<ApiAnswer<T>>;
  /** A client of a new organisation, or of the admin's with given scopes. */
  newClient(options?: { scopes?: Scope[]; newOrganisation?: boolean }): Promise<Credentials & { organisation: string; id: string }>;
  close(): Promise<void>;
}

export function basic({ key, secret }: Credentials): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

/** `options`: the app's logger (silent by default), process metrics (off by default), a decorator of the app's store. */
export async function startTestApi(
  env: Record<string, string> = {},
  options: { logger?: Logger; defaultMetrics?: boolean; wrapStore?: (store: Store) => Store } = {},
): Promise<TestApi> {
  const dataDir = makeTempDir('persona-http-');
  const config = loadConfig({ DATA_DIR: dataDir, QUEUE: 'inline', LOG_LEVEL: 'silent', ...env });
  const opened = await openStoreUnderTest(dataDir);
  // Every query on a collection sharded by organisation must carry it (docs/scaling.md): checked on every call.
  const store = guardShardKeys(opened.store);
  const { discard } = opened;
  const built = await createApp(config, {
    store: options.wrapStore?.(store) ?? store,
    logger: options.logger ?? testLogger(),
    defaultMetrics: options.defaultMetrics ?? false,
    authRecheckMs: 200,
  });
  const initial = await ensureInitialClient({ store, clients: built.services.clients, dataDir });
  // The server main.ts runs, with its time limits (HTTP_*_TIMEOUT_MS of `env`).
  const server: Server = createHttpServer(built.app, serverTimeoutsOf(config));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = initial!.credentials;
  rememberSecret(admin.secret);
  return {
    baseUrl,
    built,
    admin,
    dataDir,
    async request(method, path, options = {}) {
      const auth = options.auth === undefined ? admin : options.auth;
      const authorization = typeof auth === 'string' ? auth : auth ? basic(auth) : undefined;
      return httpCall(`${baseUrl}${path}`, method, { ...options, authorization });
    },
    async newClient(options = {}) {
      const organisation = options.newOrganisation
        ? (await createOrganisationsService({ store }).create('other'))._id
        : new ObjectId(admin.organisation);
      const { client, secret } = await built.services.clients.create({ organisation, scopes: options.scopes });
      rememberSecret(secret);
      return { key: client.key, secret, organisation: organisation.toHexString(), id: client._id.toHexString() };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
      await discard();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
