// Composition root: builds the store, its indexes, the services, the statement sink (inline, or the BullMQ queue when
// it is on) and the HTTP app from the config. Nothing else constructs services, so tests and the benchmark get
// exactly what `npm start` runs. close() stops the queue and closes the store (the HTTP server is main.ts's).
import { loadStoreId, withStoreQueuePrefix } from './queue/store-queue-prefix.ts';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import { compatErasureScrubbers, createCompatRouters, registerCompatOpenApi } from './compat/compat-surface.ts';
import type { Config } from './config.ts';
import { createAttributesService, type AttributesService } from './features/attributes/attributes.service.ts';
import { registerAttributeRoutes } from './features/attributes/attributes.routes.ts';
import { createClientAuthenticator, type ClientAuthenticator } from './features/clients/client-authenticator.ts';
import { registerClientRoutes } from './features/clients/clients.routes.ts';
import { createClientsService, type ClientsService } from './features/clients/clients.service.ts';
import { registerIdentifierRoutes } from './features/identifiers/identifiers.routes.ts';
import { createIdentifiersService, type IdentifiersService } from './features/identifiers/identifiers.service.ts';
import { startMergeEvents } from './queue/events-worker.ts';
import { createJobsService } from './features/jobs/jobs.service.ts';
import { registerLinkRoutes } from './features/links/links.routes.ts';
import { createLinksService, type LinksService } from './features/links/links.service.ts';
import { startIdentityFeature, type IdentityFeature } from './wiring/identity-feature.ts';
import { createOrganisationsService, type OrganisationsService } from './features/organisations/organisations.service.ts';
import { registerPersonaLookupRoutes } from './features/personas/persona-lookup.routes.ts';
import { registerPersonaItemRoutes, registerPersonaRoutes } from './features/personas/personas.routes.ts';
import { createPersonasService, type PersonasService } from './features/personas/personas.service.ts';
import { createResolver, resolverOptionsOf, type Resolver } from './features/resolver/resolver.service.ts';
import { registerIdentityRulesRoutes } from './features/identity-rules/identity-rules.routes.ts';
import { createIdentityRulesService, type IdentityRulesService } from './features/identity-rules/identity-rules.service.ts';
import { createInlineStatementSink, createQueuedStatementSink, type StatementSink } from './features/statements/statement-sink.ts';
import { registerStatementRoutes } from './features/statements/statements.routes.ts';
import { withBackPressure } from './features/statements/back-pressure.ts';
import { registerPseudonymRoutes } from './features/pseudonyms/pseudonyms.routes.ts';
import { createIdentityHealthService } from './features/identity-health/identity-health.service.ts';
import { registerIdentityHealthRoutes } from './features/identity-health/identity-health.routes.ts';
import { registerIdentityHealthMetrics } from './features/identity-health/identity-health.metrics.ts';
import { createHttpApp } from './http/http-app.ts';
import { createCursorCodec } from './core/list/cursor.ts';
import { loadCursorSecret } from './core/list/cursor-secret.ts';
import { createMetrics, type Metrics } from './http/metrics.ts';
import { startQueueRuntime, type QueueRuntime } from './queue/queue-runtime.ts';
import { startWorkerProcess, type WorkerProcess } from './wiring/worker-process.ts';
import { checkAllIndexes } from './wiring/all-indexes.ts';
import { serviceWriteBackHooks, type ServiceWriteBackHooks } from './features/write-back/service-write-back.ts';
import { createIfiHasStatements } from './features/write-back/ifi-statements.ts';
import { openWriteBackStatements, type WriteBackStatements } from './features/write-back/write-back-target.ts';
import { openStore } from './store/open-store.ts';
import { createXapiSurface } from './xapi/xapi-surface.ts';
import type { Store } from './store/port.ts';

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

export interface AppOptions {
  logger?: Logger;
  /** An already open store (tests, benchmark); otherwise openStore(config). It is closed by close() either way. */
  store?: Store;
  /** Replaces the sink chosen from the config (queue helpers, tests). */
  statementSink?: StatementSink;
  /** How long a cached credential is trusted before the store is asked again (revocation by other processes). */
  authRecheckMs?: number;
  /** Default metrics of the process (event loop, memory); off in tests that build several apps. */
  defaultMetrics?: boolean;
}

export interface App {
  app: Express;
  store: Store;
  services: Services;
  metrics: Metrics;
  /** The OpenAPI document /openapi.json serves, generated on first read. */
  readonly openapi: Record<string, unknown>;
  statementSink: StatementSink;
  /** Merges, duplicates, imports, erasure (issue 6). */
  identity: IdentityFeature;
  close(): Promise<void>;
}

export function buildServices(
  store: Store, config: Config, cursorSecret: Buffer, authRecheckMs?: number, writeBack: ServiceWriteBackHooks = {},
): Services {
  const cursors = createCursorCodec(cursorSecret);
  const authenticator = createClientAuthenticator({ store, recheckMs: authRecheckMs });
  const identifiers = createIdentifiersService({ store, cursors, onAssigned: writeBack.onAssigned, ifiHasStatements: writeBack.ifiHasStatements });
  const attributes = createAttributesService({ store, cursors });
  const links = createLinksService({ store, cursors });
  return {
    clients: createClientsService({ store, onRevoked: (key) => authenticator.forget(key) }),
    organisations: createOrganisationsService({ store }),
    personas: createPersonasService({
      store, cursors, identifiers, attributes, links, defaultHomePage: config.DEFAULT_ACCOUNT_HOMEPAGE, onRenamed: writeBack.onRenamed,
    }),
    identifiers, attributes, links, authenticator,
    resolver: createResolver({
      store, options: resolverOptionsOf(config), onRenamed: writeBack.onRenamed,
    }),
    identityRules: createIdentityRulesService({ store, onRenamed: writeBack.onRenamed }),
  };
}

export async function createApp(givenConfig: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? pino({ level: givenConfig.LOG_LEVEL });
  const store = options.store ?? await openStore(givenConfig);
  let config = givenConfig;
  let queue: QueueRuntime | null = null;
  let apiWorker: WorkerProcess | null = null;
  let mergeEvents: ReturnType<typeof startMergeEvents> | null = null;
  let writeBackTarget: WriteBackStatements | null = null;
  try {
    await checkAllIndexes(store, logger);
    // Queues named after this store, jobs naming it: installations sharing a Redis never mix (store-queue-prefix.ts).
    const storeId = await loadStoreId(store);
    config = withStoreQueuePrefix(config, storeId);
    if (!options.statementSink) queue = await startQueueRuntime(config, logger, storeId);
    writeBackTarget = await openWriteBackStatements(config, store, logger);
    // Write-back on: renames and identifiers created or moved through the services queue their statement re-stamps;
    // an identifier whose IFI is the actor of statements is not deleted (compat spec 3.4).
    const services = buildServices(store, config, await loadCursorSecret(store), options.authRecheckMs, {
      ...serviceWriteBackHooks(queue, logger),
      ifiHasStatements: writeBackTarget ? createIfiHasStatements(writeBackTarget.statements) : undefined,
    });
    // Merges and undos are announced on the workers' persona events stream (and webhooks) when the queue is on.
    mergeEvents = queue ? startMergeEvents(config, logger) : null;
    const identity = await startIdentityFeature(config, store, {
      onMergeChange: mergeEvents?.afterMergeChange, writeBackStatements: writeBackTarget?.statements ?? null,
      erasureScrubbers: compatErasureScrubbers(store),
    });
    const metrics = createMetrics({ defaultMetrics: options.defaultMetrics });
    const inline = createInlineStatementSink({ resolver: services.resolver, metrics });
    // With QUEUE=auto the API also consumes the queue, so `npm start` alone resolves what it accepts (no loss, no
    // stranded jobs); deployments with separate workers set QUEUE=bullmq (default 0 here) or API_WORKER_CONCURRENCY.
    const apiWorkerConcurrency = config.API_WORKER_CONCURRENCY ?? (config.QUEUE === 'auto' ? 1 : 0);
    if (queue && apiWorkerConcurrency > 0) {
      apiWorker = await startWorkerProcess(config, logger, { concurrency: apiWorkerConcurrency, store });
    }
    // Queue depth and the workers' totals are the deployment's, not this replica's: /metrics/cluster.
    queue?.registerMetrics(metrics.clusterRegistry);
    registerIdentityHealthMetrics(metrics.clusterRegistry, store);
    // Refused with 503 + Retry-After when the store or the workers fall behind, rather than held in memory.
    const statementSink = withBackPressure(options.statementSink ?? (queue ? createQueuedStatementSink({ queue: queue.statements, inline }) : inline), {
      maxPending: config.STATEMENTS_MAX_PENDING, queueHighWater: config.QUEUE_HIGH_WATER, waitingCount: queue ? () => queue!.statements.waitingCount() : undefined,
    });
    const jobs = createJobsService({ queue: queue?.statements ?? null });
    const compat = createCompatRouters({
      store, services, mergeService: identity.merges, bodyLimit: config.BODY_LIMIT, uploadLimitBytes: config.UPLOAD_LIMIT,
    });
    const xapi = createXapiSurface({ store, config, services, sink: statementSink });
    const http = createHttpApp({
      logger, metrics, authenticator: services.authenticator, bodyLimit: config.BODY_LIMIT, queryTimeoutMs: config.QUERY_TIMEOUT_MS, metricsToken: config.METRICS_TOKEN, rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      trustProxy: config.TRUST_PROXY, corsOrigins: config.CORS_ORIGINS,
      async checkReady() {
        await store.ping();
        await queue?.ping();
      },
      registerRoutes(kit) {
        registerStatementRoutes(kit, { sink: statementSink, resolver: services.resolver, jobs, maxAgentsPerRequest: config.MAX_AGENTS_PER_REQUEST, includeAuthority: config.RESOLVE_AUTHORITY });
        registerPersonaRoutes(kit, services);
        registerPersonaLookupRoutes(kit, services);
        registerPseudonymRoutes(kit, { store });
        registerPersonaItemRoutes(kit, services);
        registerAttributeRoutes(kit, services);
        registerIdentifierRoutes(kit, services);
        registerLinkRoutes(kit, services);
        registerClientRoutes(kit, services);
        registerIdentityRulesRoutes(kit, services);
        identity.registerRoutes(kit);
        registerIdentityHealthRoutes(kit, { identityHealth: createIdentityHealthService({ store }) });
        registerCompatOpenApi(kit.openapi);
        xapi.registerRoutes(kit);
      },
      extraRouters: [{ path: '/xapi', router: xapi.router }, ...compat.routers],
    });
    return {
      app: http.app, store, services, metrics, statementSink, identity,
      /** Generated on first read (http-app.ts). */
      get openapi() { return http.openapi; },
      async close() {
        await compat.idle();
        await identity.close();
        await writeBackTarget?.close();
        await mergeEvents?.close();
        await apiWorker?.close();
        await queue?.close();
        await store.close();
      },
    };
  } catch (error) {
    await apiWorker?.close().catch(() => {});
    await mergeEvents?.close().catch(() => {});
    await writeBackTarget?.close().catch(() => {});
    await queue?.close().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
}
