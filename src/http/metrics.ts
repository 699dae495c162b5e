// Prometheus metrics of the API process: request counts and latency histograms per route (the route pattern, never
// the raw URL, so ids do not explode the label set), and resolver counters other modules record through
// recordResolution(). One registry per app (no global state), exposed at /metrics; figures shared by the whole
// deployment (queue depth, totals over all workers) have their own registry at /metrics/cluster.
import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ResolutionCounts, ResolutionRecorder } from '../core/resolution-result.ts';

export interface Metrics extends ResolutionRecorder {
  /** This process's own figures (`/metrics`): a sum over replicas is the service's total. */
  registry: Registry;
  /** Figures of the whole deployment, the same from every replica (`/metrics/cluster`: scrape one replica only). */
  clusterRegistry: Registry;
  /** Counts one inline resolution (statements resolved/rejected, personas and identifiers created). */
  recordResolution(counts: ResolutionCounts): void;
  middleware: RequestHandler;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    // prom-client types these sums as gauges named *_total, which Prometheus reads as counters (promtool flags them);
    // the same figures stay available per type in nodejs_active_{resources,handles,requests}.
    for (const name of ['nodejs_active_resources_total', 'nodejs_active_handles_total', 'nodejs_active_requests_total'])
      registry.removeSingleMetric(name);
  }
  const requests = new Counter({
    name: 'persona_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'persona_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const statements = new Counter({
    name: 'persona_resolver_statements_total',
    help: 'statements resolved inline, by outcome',
    labelNames: ['status'],
    registers: [registry],
  });
  const personasCreated = new Counter({
    name: 'persona_resolver_personas_created_total',
    help: 'personas created by inline resolution',
    registers: [registry],
  });
  const identifiersCreated = new Counter({
    name: 'persona_resolver_identifiers_created_total',
    help: 'identifiers created by inline resolution',
    registers: [registry],
  });

  return {
    registry,
    clusterRegistry: new Registry(),
    recordResolution(counts) {
      statements.inc({ status: 'resolved' }, counts.resolved);
      statements.inc({ status: 'rejected' }, counts.rejected);
      personasCreated.inc(counts.personasCreated);
      identifiersCreated.inc(counts.identifiersCreated);
    },
    middleware(req, res, next) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const route =
          (res.locals.routePattern as string | undefined) ?? (req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched');
        requests.inc({ method: req.method, route, status: String(res.statusCode) });
        duration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    },
  };
}
