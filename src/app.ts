// Composition root of the API: the store, its indexes, the application (wiring/application.ts: queue, write-back
// target, services, resolution pipeline; the one wiring the workers and the CLI use too), the statement sink (inline,
// or the BullMQ queue when it is on) and the HTTP app, so tests and the benchmark get exactly what `npm start` runs.
// close() stops the queue and closes the store (the HTTP server is main.ts's).
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import { compatErasureScrubbers, createCompatRouters, registerCompatOpenApi } from './compat/compat-surface.ts';
import type { Config } from './config.ts';
import { registerAttributeRoutes } from './features/attributes/attributes.routes.ts';
import { registerClientRoutes } from './features/clients/clients.routes.ts';
import { registerIdentifierRoutes } from './features/identifiers/identifiers.routes.ts';
import { eventOfMerge } from './features/events/persona-events.ts';
import type { MergeRecordDoc } from './features/merges/merge-record.ts';
import { createJobsService } from './features/jobs/jobs.service.ts';
import { registerLinkRoutes } from './features/links/links.routes.ts';
import { startIdentityFeature, type IdentityFeature } from './wiring/identity-feature.ts';
import { registerPersonaLookupRoutes } from './features/personas/persona-lookup.routes.ts';
import { registerPersonaItemRoutes, registerPersonaRoutes } from './features/personas/personas.routes.ts';
import { registerIdentityRulesRoutes } from './features/identity-rules/identity-rules.routes.ts';
import { createInlineStatementSink, createQueuedStatementSink, type StatementSink } from './features/statements/statement-sink.ts';
import { registerStatementRoutes } from './features/statements/statements.routes.ts';
import { withBackPressure } from './features/statements/back-pressure.ts';
import { registerPseudonymRoutes } from './features/pseudonyms/pseudonyms.routes.ts';
import { createIdentityHealthService } from './features/identity-health/identity-health.service.ts';
import { registerIdentityHealthRoutes } from './features/identity-health/identity-health.routes.ts';
import { registerIdentityHealthMetrics } from './features/identity-health/identity-health.metrics.ts';
import { createHttpApp } from './http/http-app.ts';
import { createMetrics, type Metrics } from './http/metrics.ts';
import { startWorkerProcess, type WorkerProcess } from './wiring/worker-process.ts';
import { checkAllIndexes } from './wiring/all-indexes.ts';
import { openApplication, type Application, type Services } from './wiring/application.ts';
import { openStore } from './store/open-store.ts';
import { createXapiSurface } from './xapi/xapi-surface.ts';
import type { Store } from './store/port.ts';

export type { Services };

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

export async function createApp(givenConfig: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? pino({ level: givenConfig.LOG_LEVEL });
  const store = options.store ?? (await openStore(givenConfig));
  let wired: Application | null = null;
  let apiWorker: WorkerProcess | null = null;
  try {
    await checkAllIndexes(store, logger);
    // One wiring for every entry point: the queue, the write-back target, the services and the resolution pipeline.
    wired = await openApplication(givenConfig, store, {
      logger,
      queue: options.statementSink ? 'off' : 'config',
      authRecheckMs: options.authRecheckMs,
    });
    const { config, services, queue } = wired;
    const publishEvents = wired.publishEvents;
    // Merges and undos are announced where resolutions are: the events stream with the queue on, else the webhooks.
    const afterMergeChange = publishEvents
      ? async (record: MergeRecordDoc) => {
          const event = eventOfMerge(record);
          if (!event) return;
          // Logged, not thrown: the merge is done, and an error answer would invite a retry of a completed merge.
          await publishEvents([event]).catch((error: Error) =>
            logger.warn({ eventId: event.eventId, err: error.message }, 'persona event not published'),
          );
        }
      : undefined;
    const identity = await startIdentityFeature(config, store, {
      onMergeChange: afterMergeChange,
      writeBackStatements: wired.writeBack?.statements ?? null,
      erasureScrubbers: compatErasureScrubbers(store),
    });
    const metrics = createMetrics({ defaultMetrics: options.defaultMetrics });
    const inline = createInlineStatementSink({ resolution: wired.resolution, metrics });
    // With QUEUE=auto the API also consumes the queue, so `npm start` alone resolves what it accepts (no loss, no
    // stranded jobs); deployments with separate workers set QUEUE=bullmq (default 0 here) or API_WORKER_CONCURRENCY.
    const apiWorkerConcurrency = config.API_WORKER_CONCURRENCY ?? (config.QUEUE === 'auto' ? 1 : 0);
    if (queue && apiWorkerConcurrency > 0) {
      apiWorker = await startWorkerProcess(config, logger, { concurrency: apiWorkerConcurrency, store, application: wired });
    }
    // Queue depth and the workers' totals are the deployment's, not this replica's: /metrics/cluster.
    queue?.registerMetrics(metrics.clusterRegistry);
    registerIdentityHealthMetrics(metrics.clusterRegistry, store);
    // Refused with 503 + Retry-After when the store or the workers fall behind, rather than held in memory.
    const statementSink = withBackPressure(
      options.statementSink ?? (queue ? createQueuedStatementSink({ queue: queue.statements, inline }) : inline),
      {
        maxPending: config.STATEMENTS_MAX_PENDING,
        queueHighWater: config.QUEUE_HIGH_WATER,
        waitingCount: queue ? () => queue!.statements.waitingCount() : undefined,
      },
    );
    const jobs = createJobsService({ queue: queue?.statements ?? null });
    const compat = createCompatRouters({
      store,
      services,
      mergeService: identity.merges,
      bodyLimit: config.BODY_LIMIT,
      uploadLimitBytes: config.UPLOAD_LIMIT,
    });
    const xapi = createXapiSurface({ store, config, services, sink: statementSink });
    const http = createHttpApp({
      logger,
      metrics,
      authenticator: services.authenticator,
      bodyLimit: config.BODY_LIMIT,
      queryTimeoutMs: config.QUERY_TIMEOUT_MS,
      metricsToken: config.METRICS_TOKEN,
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      trustProxy: config.TRUST_PROXY,
      corsOrigins: config.CORS_ORIGINS,
      async checkReady() {
        await store.ping();
        await queue?.ping();
      },
      registerRoutes(kit) {
        registerStatementRoutes(kit, {
          sink: statementSink,
          resolver: services.resolver,
          jobs,
          maxAgentsPerRequest: config.MAX_AGENTS_PER_REQUEST,
          includeAuthority: config.RESOLVE_AUTHORITY,
        });
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
      app: http.app,
      store,
      services,
      metrics,
      statementSink,
      identity,
      /** Generated on first read (http-app.ts). */
      get openapi() {
        return http.openapi;
      },
      async close() {
        await compat.idle();
        await identity.close();
        await apiWorker?.close();
        await wired?.close();
        await store.close();
      },
    };
  } catch (error) {
    await apiWorker?.close().catch(() => {});
    await wired?.close().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
}
