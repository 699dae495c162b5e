// Pipeline metrics shared between worker processes and the API's /metrics: workers add their figures to one Redis
// hash (and the latest job latencies to a capped list), so any process can report the whole pipeline, whichever
// worker did the work. Queue depth comes straight from BullMQ's job counts.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import type { ResolutionCounts } from '../features/resolver/resolution-result.ts';

/** Latencies kept for the p50/p99 gauges. */
const LATENCY_SAMPLES = 1000;

export function metricsKeys(prefix: string, queueName: string): { totals: string; latencies: string } {
  return { totals: `${prefix}:${queueName}:persona-metrics`, latencies: `${prefix}:${queueName}:persona-latencies` };
}

export interface MetricsRecorder {
  recordCompleted(counts: ResolutionCounts, latencyMs: number): Promise<void>;
  recordFailed(): Promise<void>;
}

export function createMetricsRecorder(redis: Redis, prefix: string, queueName: string): MetricsRecorder {
  const keys = metricsKeys(prefix, queueName);
  return {
    async recordCompleted(counts, latencyMs) {
      await redis.multi()
        .hincrby(keys.totals, 'jobsCompleted', 1)
        .hincrby(keys.totals, 'statementsResolved', counts.resolved)
        .hincrby(keys.totals, 'statementsRejected', counts.rejected)
        .hincrby(keys.totals, 'personasCreated', counts.personasCreated)
        .hincrby(keys.totals, 'identifiersCreated', counts.identifiersCreated)
        .lpush(keys.latencies, Math.round(latencyMs))
        .ltrim(keys.latencies, 0, LATENCY_SAMPLES - 1)
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
  latencyMs: { p50: number | null; p99: number | null };
}

export async function readPipelineFigures(queue: Queue, redis: Redis, prefix: string): Promise<PipelineFigures> {
  const keys = metricsKeys(prefix, queue.name);
  const [depth, totals, latencies] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'),
    redis.hgetall(keys.totals),
    redis.lrange(keys.latencies, 0, -1),
  ]);
  const sorted = latencies.map(Number).sort((a, b) => a - b);
  return {
    depth: depth as PipelineFigures['depth'],
    totals: Object.fromEntries(Object.entries(totals).map(([key, value]) => [key, Number(value)])),
    latencyMs: { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) },
  };
}

export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Registers the pipeline gauges on a prom-client registry; values are read from Redis at scrape time. Totals are
 * exposed as gauges (they are sums over all workers kept in Redis, not this process's counters).
 */
export function registerQueueMetrics(registry: Registry, source: { queue: Queue; redis: Redis; prefix: string }): void {
  let pending: Promise<PipelineFigures> | null = null;
  // One Redis read per scrape, shared by every gauge's collect().
  const figures = (): Promise<PipelineFigures> => {
    pending ??= readPipelineFigures(source.queue, source.redis, source.prefix).finally(() => { setImmediate(() => { pending = null; }); });
    return pending;
  };
  new Gauge({
    name: 'persona_queue_jobs', help: 'statement jobs by state', labelNames: ['state'], registers: [registry],
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
    new Gauge({ name, help, registers: [registry], async collect() { this.set((await figures()).totals[field] ?? 0); } });
  }
  new Gauge({
    name: 'persona_queue_job_latency_seconds', help: `enqueue-to-completion latency of the last ${LATENCY_SAMPLES} jobs`,
    labelNames: ['quantile'], registers: [registry],
    async collect() {
      const { latencyMs } = await figures();
      for (const [label, value] of [['0.5', latencyMs.p50], ['0.99', latencyMs.p99]] as const) {
        if (value !== null) this.set({ quantile: label }, value / 1000);
      }
    },
  });
}
