// Wires persona events into a worker process: an after-resolution hook that publishes the events of each job, and
// (when WEBHOOK_URLS is set) the webhook delivery worker.
import { Worker } from 'bullmq';
import type { Config } from '../../config.ts';
import { bullConnection } from '../../queue/redis-connection.ts';
import type { AfterResolveHook, WorkerLogger } from '../../queue/statement-worker.ts';
import type { Store } from '../../store/port.ts';
import { createEventPublisher, webhookQueueName } from './event-publisher.ts';
import { eventsOfResolution } from './persona-events.ts';
import { createWebhookProcessor, type WebhookJobData } from './webhook-delivery.ts';

export type EventsConfig = Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX' | 'QUEUE_NAME' | 'EVENTS_MAX_LENGTH' | 'WEBHOOK_URLS' | 'WEBHOOK_SECRET' | 'WEBHOOK_ATTEMPTS'>;

export function webhookUrlsOf(config: Pick<Config, 'WEBHOOK_URLS'>): string[] {
  return (config.WEBHOOK_URLS ?? '').split(',').map((url) => url.trim()).filter(Boolean);
}

export function startEvents(config: EventsConfig, store: Store, logger: WorkerLogger): { hook: AfterResolveHook; close(): Promise<void> } {
  const webhookUrls = webhookUrlsOf(config);
  const publisher = createEventPublisher({
    redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, queueName: config.QUEUE_NAME, maxLength: config.EVENTS_MAX_LENGTH,
    webhookUrls, webhookAttempts: config.WEBHOOK_ATTEMPTS,
  });
  const deliveries = webhookUrls.length === 0 || !config.WEBHOOK_SECRET ? null : new Worker<WebhookJobData>(
    webhookQueueName(config.QUEUE_NAME), createWebhookProcessor({ secret: config.WEBHOOK_SECRET }),
    { connection: bullConnection(config.REDIS_URL), prefix: config.QUEUE_PREFIX, concurrency: 4 },
  );
  deliveries?.on('failed', (job, error) => logger.warn({ url: job?.data.url, eventId: job?.data.event.eventId, err: error.message }, 'webhook delivery failed'));
  deliveries?.on('error', (error) => logger.error({ err: error.message }, 'webhook worker error'));
  return {
    async hook(organisation, _statements, result, { startedAt }) {
      if (result.counts.identifiersCreated === 0 && result.counts.personasCreated === 0) return;
      await publisher.publish(await eventsOfResolution(store, organisation, result, startedAt));
    },
    async close() {
      await deliveries?.close();
      await publisher.close();
    },
  };
}
