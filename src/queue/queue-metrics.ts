// Pipeline metrics shared between worker processes and the API's /metrics/cluster: workers add their figures to one
// Redis hash (totals, and job latencies counted per histogram bucket), so any process can report the whole pipeline,
// whichever worker did the work. Queue depth comes straight from BullMQ's job counts.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ResolutionCounts } from '../core/resolution-result.ts';

/** Upper bounds (seconds) of the enqueue-to-completion latency histogram; workers count each job in its bucket. */
export const LATENCY_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function metricsKeys(prefix: string, queueName: string): { totals: string } {
  return { totals: `${prefix}:${queueName}:persona-metrics` };
}

/** The Redis field counting jobs whose latency falls in the bucket `le` (not cumulative; summed up when read). */
function latencyBucketField(latencyMs: number): string {
  const le = LATENCY_BUCKETS_SECONDS.find((bound) => latencyMs <= bound * 1000);
  return `latencyBucket:${le ?? '+Inf'}`;
}

export interface MetricsRecorder {
  recordCompleted(counts: ResolutionCounts, latencyMs: number): Promise<void>;
  recordFailed(): Promise<void>;
}

export function createMetricsRecorder(redis: Redis, prefix: string, queueName: string): MetricsRecorder {
  const keys = metricsKeys(prefix, queueName);
  return {
    async recordCompleted(counts, latencyMs) {
      await redis
        .multi()
        .hincrby(keys.totals, 'jobsCompleted', 1)
        .hincrby(keys.totals, 'statementsResolved', counts.resolved)
        .hincrby(keys.totals, 'statementsRejected', counts.rejected)
        .hincrby(keys.totals, 'personasCreated', counts.personasCreated)
        .hincrby(keys.totals, 'identifiersCreated', counts.identifiersCreated)
        .hincrby(keys.totals, latencyBucketField(latencyMs), 1)
        .hincrby(keys.totals, 'latencySumMs', Math.round(latencyMs))
        .exec();
    },
    async recordFailed() {
      await redis.hincrby(keys.totals, 'jobsFailed', 1);
    },
  };
}

export interface PipelineFigures {
  depth: Record<'waiting' | 'active' | 'delayed' | 'failed' | 'completed' | 'prioritized', number>;
  totals: Record<string, number>;
}

export async function readPipelineFigures(queue: Queue, redis: Redis, prefix: string): Promise<PipelineFigures> {
  const keys = metricsKeys(prefix, queue.name);
  const [depth, totals] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'),
    redis.hgetall(keys.totals),
  ]);
  return {
    depth: depth as PipelineFigures['depth'],
    totals: Object.fromEntries(Object.entries(totals).map(([key, value]) => [key, Number(value)])),
  };
}

/**
 * The latency histogram from the workers' bucket counts, in the shape prom-client's registry renders (cumulative
 * `_bucket{le}` series, `_sum`, `_count`): prom-client's own Histogram can only observe, not be read back from Redis.
 */
function latencyHistogram(figures: () => Promise<PipelineFigures>) {
  const name = 'persona_queue_job_latency_seconds';
  return {
    name,
    help: 'enqueue-to-completion latency of statement jobs, over all workers',
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const { totals } = await figures();
      let cumulative = 0;
      const buckets = [...LATENCY_BUCKETS_SECONDS.map(String), '+Inf'].map((le) => {
        cumulative += totals[`latencyBucket:${le}`] ?? 0;
        return { metricName: `${name}_bucket`, labels: { le }, value: cumulative };
      });
      return {
        name,
        help: this.help,
        type: this.type,
        aggregator: this.aggregator,
        values: [
          ...buckets,
          { metricName: `${name}_sum`, labels: {}, value: (totals.latencySumMs ?? 0) / 1000 },
          { metricName: `${name}_count`, labels: {}, value: cumulative },
        ],
      };
    },
  };
}

/**
 * Registers the pipeline figures, read from Redis at scrape time, on the registry of `/metrics/cluster`: they are
 * sums over every worker (whichever process did the work), the same in every API replica, so they are not part of
 * the per-instance `/metrics` (a sum over instances would multiply them). Totals only grow: counters.
 */
export function registerQueueMetrics(registry: Registry, source: { queue: Queue; redis: Redis; prefix: string }): void {
  let pending: Promise<PipelineFigures> | null = null;
  // One Redis read per scrape, shared by every metric's collect().
  const figures = (): Promise<PipelineFigures> => {
    pending ??= readPipelineFigures(source.queue, source.redis, source.prefix).finally(() => {
      setImmediate(() => {
        pending = null;
      });
    });
    return pending;
  };
  new Gauge({
    name: 'persona_queue_jobs',
    help: 'statement jobs by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const { depth } = await figures();
      for (const [state, count] of Object.entries(depth)) this.set({ state }, count);
    },
  });
  const totals: Array<[string, string, string]> = [
    ['persona_queue_jobs_completed_total', 'jobsCompleted', 'statement jobs completed by all workers'],
    ['persona_queue_jobs_failed_total', 'jobsFailed', 'statement job attempts that failed, over all workers'],
    ['persona_statements_resolved_total', 'statementsResolved', 'statements resolved by all workers'],
    ['persona_statements_rejected_total', 'statementsRejected', 'statements rejected by all workers'],
    ['persona_personas_created_total', 'personasCreated', 'personas created by the pipeline'],
    ['persona_identifiers_created_total', 'identifiersCreated', 'identifiers created by the pipeline'],
  ];
  for (const [name, field, help] of totals) {
    new Counter({
      name,
      help,
      registers: [registry],
      // The total lives in Redis: the counter is set to it at each scrape (reset, then increased by it).
      async collect() {
        this.reset();
        this.inc((await figures()).totals[field] ?? 0);
      },
    });
  }
  registry.registerMetric(latencyHistogram(figures) as unknown as Parameters<Registry['registerMetric']>[0]);
}
