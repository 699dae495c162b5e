// The `<QUEUE_NAME>-backfill` BullMQ queue of statement write-back (features/write-back/statement-backfill.ts says
// what a job does): its construction, job ids, enqueueing and its backlog gauges.
import { Queue } from 'bullmq';
import { ObjectId } from 'bson';
import { Gauge, type Registry } from 'prom-client';
import type { BackfillJobData } from '../features/write-back/statement-backfill.ts';
import type { WriteBackPublisher } from '../features/write-back/service-write-back.ts';
import { bullConnection } from './redis-connection.ts';

export const backfillQueueName = (queueName: string): string => `${queueName}-backfill`;

export function createBackfillQueue(options: { redisUrl: string; prefix: string; queueName: string }): Queue<BackfillJobData> {
  const queue = new Queue<BackfillJobData>(backfillQueueName(options.queueName), {
    connection: bullConnection(options.redisUrl),
    prefix: options.prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: false,
    },
  });
  queue.on('error', () => {});
  return queue;
}

/**
 * An identifier is created once, so its back-fill is keyed by it (a re-run job cannot queue it twice); a move
 * (`movedAt`) is a later change of the same identifier and gets its own key. A persona change can happen again later
 * (a second rename), so each re-stamp is its own job.
 */
export function backfillJobId(data: BackfillJobData): string {
  return data.kind === 'identifier'
    ? `identifier-${data.organisation}-${data.identifierId}${data.movedAt ? `-moved-${new ObjectId().toHexString()}` : ''}`
    : `persona-${data.organisation}-${data.fromId}-${data.toId}-${new ObjectId().toHexString()}`;
}

export async function enqueueBackfills(queue: Queue<BackfillJobData>, jobs: BackfillJobData[]): Promise<void> {
  if (jobs.length === 0) return;
  await queue.addBulk(jobs.map((data) => ({ name: data.kind, data, opts: { jobId: backfillJobId(data) } })));
}

/**
 * What the services' write-back hooks (features/write-back/service-write-back.ts) publish, as jobs on this queue: the
 * API's queue runtime and the CLI's identity commands publish through this one function, so a rename from either
 * queues the same re-stamp.
 */
export function backfillPublisher(queue: Queue<BackfillJobData>): { [K in keyof WriteBackPublisher]: NonNullable<WriteBackPublisher[K]> } {
  return {
    restampPersona: (organisation, fromId, toId) => enqueueBackfills(queue, [{ kind: 'persona', organisation, fromId, toId }]),
    backfillIdentifier: (organisation, { identifierId, personaId, ifi, moved }) =>
      enqueueBackfills(queue, [
        {
          kind: 'identifier',
          organisation,
          identifierId,
          personaId,
          ifi,
          ...(moved ? { movedAt: new Date().toISOString() } : {}),
        },
      ]),
  };
}

/** Back-fill backlog for /metrics: pending jobs and the age of the oldest one (the write-back lag). */
export function registerBackfillMetrics(registry: Registry, queue: Queue<BackfillJobData>): void {
  new Gauge({
    name: 'persona_writeback_backfill_pending',
    help: 'back-fill jobs waiting, delayed or running',
    registers: [registry],
    async collect() {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      this.set(Object.values(counts).reduce((sum, count) => sum + count, 0));
    },
  });
  new Gauge({
    name: 'persona_writeback_lag_seconds',
    help: 'age of the oldest pending back-fill job (0 when none)',
    registers: [registry],
    async collect() {
      // The first (oldest) job of each state; the lag is the oldest of those.
      const heads = (await queue.getJobs(['active', 'waiting', 'delayed', 'prioritized'], 0, 0, true)).filter(Boolean);
      this.set(heads.length > 0 ? (Date.now() - Math.min(...heads.map((job) => job.timestamp))) / 1000 : 0);
    },
  });
}
