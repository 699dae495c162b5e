// The express app: request ids and pino request logs (probes at debug), metrics, CORS when CORS_ORIGINS lists
// origins, JSON bodies with a size limit, the operations routes
// (/health, /ready, /metrics, /metrics/cluster, /openapi.json, /docs, the /admin web app; no credentials except the
// metrics when METRICS_TOKEN is set), then
// the authenticated /v1 routes the features define, then 404 and the one error middleware.
import { randomUUID } from 'node:crypto';
import express, { Router, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { pinoHttp } from 'pino-http';
import { authenticate } from './auth/authenticate.ts';
import { rateLimitPerClient } from './auth/rate-limit.ts';
import type { ClientAuthenticator } from '../core/caller.ts';
import { corsForOrigins } from './cors.ts';
import { adminRouter } from './admin-app.ts';
import { docsRouter } from './docs.ts';
import { apiError } from '../core/errors/api-error.ts';
import { errorHandler, routeNotFound } from './errors/error-handler.ts';
import { jsonBody } from './json-body.ts';
import { redactedUrl } from './log-redaction.ts';
import { runWithQueryDeadline } from '../store/query-deadline.ts';
import type { Metrics } from './metrics.ts';
import { createOpenApiRegistry, generateOpenApiDocument } from './openapi.ts';
import type { RouteKit } from './route-kit.ts';

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  authenticator: ClientAuthenticator;
  bodyLimit: string;
  /** QUERY_TIMEOUT_MS: the reads of one GET/HEAD request (lists, counts, LL filters) stop after this long (503). */
  queryTimeoutMs?: number;
  metricsToken?: string;
  /** Origins allowed to call from a browser (CORS_ORIGINS); none: no CORS headers. */
  corsOrigins?: readonly string[];
  /** express 'trust proxy': lets req.ip (the failed-secret throttle's unit) be the client behind a reverse proxy. */
  trustProxy?: boolean | number | string;
  /** Requests per minute per API client on /v1 (0: no limit). */
  rateLimitPerMinute?: number;
  /** Throws when a dependency (store, queue) does not answer. */
  checkReady(): Promise<void>;
  /** Registers the /v1 routes of every feature on the kit. */
  registerRoutes(kit: RouteKit): void;
  /** Mounted before the 404 handler (other surfaces such as /api); they bring their own auth. */
  extraRouters?: Array<{ path: string; router: RequestHandler }>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const PROBE_PATHS = new Set(['/health', '/ready', '/metrics', '/metrics/cluster']);

export function createHttpApp(options: HttpAppOptions): { app: Express; openapi: Record<string, unknown> } {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId(req, res) {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Probes arrive every few seconds from every orchestrator and scraper: answered ones are debug, not info.
      customLogLevel: (req, res, error) =>
        error || res.statusCode >= 500
          ? 'error'
          : res.statusCode < 400 && PROBE_PATHS.has((req.url ?? '').split('?')[0])
            ? 'debug'
            : 'info',
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: redactedUrl(req.url) }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(options.metrics.middleware);
  // Before every route and its authentication: a browser's preflight carries no credentials.
  const corsMiddleware = corsForOrigins(options.corsOrigins ?? []);
  if (corsMiddleware) app.use(corsMiddleware);
  if (options.queryTimeoutMs) {
    const timeoutMs = options.queryTimeoutMs;
    // Reads only: a write request (a merge) stopped between its steps would be left for recovery to finish.
    app.use((req, _res, next) => (req.method === 'GET' || req.method === 'HEAD' ? runWithQueryDeadline(timeoutMs, next) : next()));
  }

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await options.checkReady();
    } catch (error) {
      throw apiError('store.unavailable', { reason: (error as Error).message });
    }
    res.json({ status: 'ready' });
  });
  const exposition =
    (registry: Registry): RequestHandler =>
    async (req, res) => {
      if (options.metricsToken && req.headers.authorization !== `Bearer ${options.metricsToken}`)
        throw apiError('auth.invalid_credentials');
      res.type(registry.contentType).send(await registry.metrics());
    };
  app.get('/metrics', exposition(options.metrics.registry));
  app.get('/metrics/cluster', exposition(options.metrics.clusterRegistry));

  const registry = createOpenApiRegistry();
  const v1 = Router();
  v1.use(authenticate(options.authenticator));
  v1.use(rateLimitPerClient(options.rateLimitPerMinute ?? 0));
  v1.use(jsonBody(options.bodyLimit));
  options.registerRoutes({ router: v1, openapi: registry });
  // Generated on first use (the first /openapi.json, or a build script), not at start: generating it costs ~1.6 s of
  // CPU, most of a cold start, and no route needs it. Every route is registered above, so it is the same document.
  let openapi: Record<string, unknown> | undefined;
  const openapiDocument = () => (openapi ??= generateOpenApiDocument(registry));
  app.get('/openapi.json', (_req, res) => {
    res.json(openapiDocument());
  });
  app.use(docsRouter());
  app.use(adminRouter());
  app.use('/v1', v1);
  for (const extra of options.extraRouters ?? []) app.use(extra.path, extra.router);
  app.use(routeNotFound);
  app.use(errorHandler);
  return {
    app,
    get openapi() {
      return openapiDocument();
    },
  };
}
