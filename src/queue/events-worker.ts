// The BullMQ side of persona events: the webhook delivery worker of a worker process (WEBHOOK_URLS set), which
// retries each delivery with exponential backoff, and the merge-event publisher of the CLI. Events of resolutions are
// published by the after-resolution pipeline (wiring/after-resolution.ts) through the queue runtime's publisher.
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import { webhookUrlsOf, type Config } from '../config.ts';
import { bullConnection, describeRedisUrl, probeRedis, QueueUnavailableError } from './redis-connection.ts';
import type { WorkerLogger } from './statement-worker.ts';
import { createEventPublisher, webhookQueueName } from './event-publisher.ts';
import type { MergeRecordDoc } from '../features/merges/merge-record.ts';
import { eventOfMerge } from '../features/events/persona-events.ts';
import { deliverEvent, type WebhookJobData } from '../features/events/webhook-delivery.ts';

export type EventsConfig = Pick<
  Config,
  'REDIS_URL' | 'QUEUE_PREFIX' | 'QUEUE_NAME' | 'EVENTS_MAX_LENGTH' | 'WEBHOOK_URLS' | 'WEBHOOK_SECRET' | 'WEBHOOK_ATTEMPTS'
>;

function publisherOf(config: EventsConfig) {
  return createEventPublisher({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    queueName: config.QUEUE_NAME,
    maxLength: config.EVENTS_MAX_LENGTH,
    webhookUrls: webhookUrlsOf(config),
    webhookAttempts: config.WEBHOOK_ATTEMPTS,
  });
}

/** A delivery job: a final answer (4xx but 408/429) fails the job for good, anything else is retried by BullMQ. */
export function createWebhookProcessor(options: { secret: string; timeoutMs?: number }) {
  return async (job: Job<WebhookJobData>): Promise<{ status: number }> => {
    try {
      return await deliverEvent(job.data, options);
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable !== false;
      throw retriable ? error : new UnrecoverableError((error as Error).message);
    }
  };
}

/**
 * For the merge service's afterChange hook: publishes `persona.merged` when a merge is applied and
 * `persona.merge_undone` when one is undone (other states announce nothing). A publishing failure is logged, not
 * thrown: the merge is already done, and an error answer would invite the caller to retry a completed merge.
 */
export function startMergeEvents(
  config: EventsConfig,
  logger: Pick<WorkerLogger, 'warn'>,
): { afterMergeChange(record: MergeRecordDoc): Promise<void>; close(): Promise<void> } {
  const publisher = publisherOf(config);
  return {
    async afterMergeChange(record) {
      const event = eventOfMerge(record);
      if (!event) return;
      try {
        await publisher.publish([event]);
      } catch (error) {
        logger.warn({ eventId: event.eventId, err: (error as Error).message }, 'persona event not published');
      }
    },
    close: () => publisher.close(),
  };
}

/**
 * Merge events for a process without a queue runtime of its own (the CLI), on exactly when the API's would be:
 * never with QUEUE=inline; with QUEUE=auto when Redis answers (otherwise null, with a warning); with QUEUE=bullmq
 * Redis must answer (QueueUnavailableError: the merge stays marked for recovery to announce).
 */
export async function openMergeEvents(
  config: EventsConfig & Pick<Config, 'QUEUE' | 'QUEUE_STARTUP_TIMEOUT_MS'>,
  logger: Pick<WorkerLogger, 'warn'>,
): Promise<ReturnType<typeof startMergeEvents> | null> {
  if (config.QUEUE === 'inline') return null;
  try {
    await probeRedis(config.REDIS_URL, config.QUEUE_STARTUP_TIMEOUT_MS);
  } catch (error) {
    if (config.QUEUE === 'bullmq')
      throw new QueueUnavailableError(`QUEUE=bullmq but ${(error as Error).message}; persona events not published`);
    logger.warn({ redis: describeRedisUrl(config.REDIS_URL) }, `queue off (${(error as Error).message}): persona events not published`);
    return null;
  }
  return startMergeEvents(config, logger);
}

/** The webhook delivery worker of a worker process; null when no webhook is configured. */
export function startWebhookWorker(config: EventsConfig, logger: WorkerLogger): { close(): Promise<void> } | null {
  if (webhookUrlsOf(config).length === 0 || !config.WEBHOOK_SECRET) return null;
  const deliveries = new Worker<WebhookJobData>(
    webhookQueueName(config.QUEUE_NAME),
    createWebhookProcessor({ secret: config.WEBHOOK_SECRET }),
    { connection: bullConnection(config.REDIS_URL), prefix: config.QUEUE_PREFIX, concurrency: 4 },
  );
  deliveries.on('failed', (job, error) =>
    logger.warn({ url: job?.data.url, eventId: job?.data.event.eventId, err: error.message }, 'webhook delivery failed'),
  );
  deliveries.on('error', (error) => logger.error({ err: error.message }, 'webhook worker error'));
  return { close: () => deliveries.close() };
}
