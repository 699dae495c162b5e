// The one wiring of the application's services, used by every entry point: the API (app.ts), a worker process and
// the API's own worker (worker-process.ts), and `persona ingest`. It opens, from the config: the queue (producer side;
// loaded only when Redis answers, so a deployment without Redis never imports ioredis or BullMQ), the write-back
// target (Learning Locker's statements, opened once), the services (the resolver built once), and the resolution
// pipeline every statement goes through with this process's after-resolution effects (after-resolution.ts).
import type { Config } from '../config.ts';
import { createAttributesService, type AttributesService } from '../features/attributes/attributes.service.ts';
import { createClientAuthenticator, type ClientAuthenticator } from '../features/clients/client-authenticator.ts';
import { createClientsService, type ClientsService } from '../features/clients/clients.service.ts';
import { createIdentifiersService, type IdentifiersService } from '../features/identifiers/identifiers.service.ts';
import { createIdentityRulesService, type IdentityRulesService } from '../features/identity-rules/identity-rules.service.ts';
import { createLinksService, type LinksService } from '../features/links/links.service.ts';
import { createOrganisationsService, type OrganisationsService } from '../features/organisations/organisations.service.ts';
import { createPersonasService, type PersonasService } from '../features/personas/personas.service.ts';
import { createResolutionPipeline, type StatementResolution } from '../features/resolver/resolution-pipeline.ts';
import { createIdentityCache } from '../features/resolver/identity-cache.ts';
import { createResolver, resolverOptionsOf, type Resolver } from '../features/resolver/resolver.service.ts';
import type { PublishEvents } from '../features/events/persona-events.ts';
import { createIfiHasStatements } from '../features/write-back/ifi-statements.ts';
import { serviceWriteBackHooks, type ServiceWriteBackHooks } from '../features/write-back/service-write-back.ts';
import { createCursorCodec } from '../core/list/cursor.ts';
import { loadCursorSecret } from '../core/list/cursor-secret.ts';
import { queueOffOrThrow, redisPortProblem, describeRedisUrl } from '../queue/redis-address.ts';
import type { QueueRuntime } from '../queue/queue-runtime.ts';
import { loadStoreId, withStoreQueuePrefix } from '../queue/store-queue-prefix.ts';
import type { Store } from '../store/port.ts';
import { afterResolutionOf } from './after-resolution.ts';
import { openWriteBackStatements, type WriteBackStatements } from './write-back-target.ts';

export interface Services {
  clients: ClientsService;
  organisations: OrganisationsService;
  personas: PersonasService;
  identifiers: IdentifiersService;
  attributes: AttributesService;
  links: LinksService;
  resolver: Resolver;
  authenticator: ClientAuthenticator;
  identityRules: IdentityRulesService;
}

export interface ApplicationLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
}

export interface ApplicationOptions {
  logger: ApplicationLogger;
  /** `config`: the QUEUE rule (API, CLI); `required`: Redis must answer (a worker); `off`: no queue (a test's own sink). */
  queue: 'config' | 'required' | 'off';
  /** How long a cached credential is trusted before the store is asked again (revocation by other processes). */
  authRecheckMs?: number;
  /** Statements per resolver batch (`persona ingest --batch-size`); default RESOLVER_BATCH_SIZE. */
  resolverBatchSize?: number;
  /** A per-process identifier → persona cache checked against the identity epoch (`persona ingest`). */
  identityCache?: boolean;
}

export interface Application {
  /** The config with this store's queue prefix (queue/store-queue-prefix.ts). */
  config: Config;
  storeId: string;
  queue: QueueRuntime | null;
  writeBack: WriteBackStatements | null;
  services: Services;
  /** Resolution with this process's after-resolution effects: every path resolves statements through it. */
  resolution: StatementResolution;
  /** Where persona events go (merges too); null when nobody listens. */
  publishEvents: PublishEvents | null;
  /** Closes what this opened (the queue, the write-back target); the store stays its owner's. */
  close(): Promise<void>;
}

export function buildServices(
  store: Store,
  config: Config,
  cursorSecret: Buffer,
  {
    authRecheckMs,
    writeBack = {},
    resolverBatchSize,
    identityCache = false,
  }: { authRecheckMs?: number; writeBack?: ServiceWriteBackHooks; resolverBatchSize?: number; identityCache?: boolean } = {},
): Services {
  const cursors = createCursorCodec(cursorSecret);
  const authenticator = createClientAuthenticator({ store, recheckMs: authRecheckMs });
  const identifiers = createIdentifiersService({
    store,
    cursors,
    onAssigned: writeBack.onAssigned,
    ifiHasStatements: writeBack.ifiHasStatements,
  });
  const attributes = createAttributesService({ store, cursors });
  const links = createLinksService({ store, cursors });
  return {
    clients: createClientsService({ store, onRevoked: (key) => authenticator.forget(key) }),
    organisations: createOrganisationsService({ store }),
    personas: createPersonasService({
      store,
      cursors,
      identifiers,
      attributes,
      links,
      defaultHomePage: config.DEFAULT_ACCOUNT_HOMEPAGE,
      onRenamed: writeBack.onRenamed,
    }),
    identifiers,
    attributes,
    links,
    authenticator,
    resolver: createResolver({
      store,
      options: resolverOptionsOf(config, resolverBatchSize),
      onRenamed: writeBack.onRenamed,
      // A learner met again answers from this process's cache while no merge, move or erasure happened anywhere.
      identityCache: identityCache ? createIdentityCache(store) : undefined,
    }),
    identityRules: createIdentityRulesService({ store, onRenamed: writeBack.onRenamed }),
  };
}

export async function openApplication(givenConfig: Config, store: Store, options: ApplicationOptions): Promise<Application> {
  const { logger } = options;
  // Queues named after this store, jobs naming it: installations sharing a Redis never mix (store-queue-prefix.ts).
  const storeId = await loadStoreId(store);
  const config = withStoreQueuePrefix(givenConfig, storeId);
  let queue: QueueRuntime | null = null;
  let writeBack: WriteBackStatements | null = null;
  try {
    queue = await openQueue(config, options, storeId);
    writeBack = await openWriteBackStatements(config, store, logger);
    // Write-back on: renames and identifiers created or moved through the services queue their statement re-stamps;
    // an identifier whose IFI is the actor of statements is not deleted (compat spec 3.4).
    const services = buildServices(store, config, await loadCursorSecret(store), {
      authRecheckMs: options.authRecheckMs,
      resolverBatchSize: options.resolverBatchSize,
      identityCache: options.identityCache,
      writeBack: {
        ...serviceWriteBackHooks(queue, logger),
        ifiHasStatements: writeBack ? createIfiHasStatements(writeBack.statements) : undefined,
      },
    });
    const { afterResolve, publishEvents } = afterResolutionOf({
      config,
      store,
      writeBackStatements: writeBack?.statements ?? null,
      queue,
      logger,
    });
    const resolution = createResolutionPipeline({ resolver: services.resolver, afterResolve });
    const opened = { queue, writeBack };
    return {
      config,
      storeId,
      queue,
      writeBack,
      services,
      resolution,
      publishEvents,
      async close() {
        await opened.writeBack?.close();
        await opened.queue?.close();
      },
    };
  } catch (error) {
    await writeBack?.close().catch(() => {});
    await queue?.close().catch(() => {});
    throw error;
  }
}

/**
 * The producer side of the queue, or null. Redis's port is looked at before BullMQ and ioredis are imported, so
 * without Redis they never load; the rule is queue-runtime.ts's (inline: off; auto: off without Redis; bullmq: Redis required).
 */
async function openQueue(config: Config, options: ApplicationOptions, storeId: string): Promise<QueueRuntime | null> {
  if (options.queue === 'off') return null;
  const queueConfig = options.queue === 'required' ? { ...config, QUEUE: 'bullmq' as const } : config;
  if (queueConfig.QUEUE === 'inline') {
    options.logger.info({ queue: 'off' }, 'queue off (QUEUE=inline): statements resolve inline');
    return null;
  }
  const problem = await redisPortProblem(config.REDIS_URL, config.QUEUE_STARTUP_TIMEOUT_MS);
  if (problem) {
    return queueOffOrThrow(
      queueConfig.QUEUE,
      `Redis at ${describeRedisUrl(config.REDIS_URL)} is unreachable: ${problem}`,
      config.REDIS_URL,
      options.logger,
    );
  }
  const { startQueueRuntime } = await import('../queue/queue-runtime.ts');
  return startQueueRuntime(queueConfig, options.logger, storeId);
}
