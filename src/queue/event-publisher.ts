// Publishes persona events on a BullMQ events stream (`<QUEUE_NAME>-events`; read it with a BullMQ QueueEvents on
// that name and listen for 'persona.created' / 'identifier.created') and, when webhooks are configured, enqueues one
// delivery job per event and URL (retried with exponential backoff by the webhook worker).
import { Queue, QueueEventsProducer } from 'bullmq';
import { bullConnection } from './redis-connection.ts';
import type { PersonaEvent } from '../features/events/persona-events.ts';
import { WEBHOOK_JOB_NAME, type WebhookJobData } from '../features/events/webhook-delivery.ts';

export interface EventPublisherOptions {
  redisUrl: string;
  prefix: string;
  /** The statements queue name; events go to `<queueName>-events`, deliveries to `<queueName>-webhooks`. */
  queueName: string;
  maxLength: number;
  webhookUrls: string[];
  webhookAttempts: number;
  /** First retry delay of a delivery; doubles per attempt. */
  webhookBackoffMs?: number;
}

export interface EventPublisher {
  publish(events: PersonaEvent[]): Promise<void>;
  close(): Promise<void>;
}

export const eventsStreamName = (queueName: string): string => `${queueName}-events`;
export const webhookQueueName = (queueName: string): string => `${queueName}-webhooks`;

export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const connection = bullConnection(options.redisUrl);
  const producer = new QueueEventsProducer(eventsStreamName(options.queueName), { connection, prefix: options.prefix });
  producer.on('error', () => {});
  const deliveries =
    options.webhookUrls.length === 0
      ? null
      : new Queue<WebhookJobData>(webhookQueueName(options.queueName), {
          connection,
          prefix: options.prefix,
          defaultJobOptions: {
            attempts: options.webhookAttempts,
            backoff: { type: 'exponential', delay: options.webhookBackoffMs ?? 1000 },
            removeOnComplete: { count: 10000, age: 86400 },
            removeOnFail: false,
          },
        });
  deliveries?.on('error', () => {});
  return {
    async publish(events) {
      // Issued together so the client pipelines them; one connection keeps them in order on the stream. The stream
      // carries flat string fields; the event itself travels as JSON in `data`.
      await Promise.all(
        events.map((event) =>
          producer.publishEvent({ eventName: event.type, eventId: event.eventId, data: JSON.stringify(event) }, options.maxLength),
        ),
      );
      if (deliveries && events.length > 0) {
        await deliveries.addBulk(
          events.flatMap((event) =>
            options.webhookUrls.map((url, index) => ({
              name: WEBHOOK_JOB_NAME,
              data: { url, event },
              // Same event to the same URL once, even when a re-run job publishes it again.
              opts: { jobId: `${event.eventId.replace(':', '-')}-${index}` },
            })),
          ),
        );
      }
    },
    async close() {
      await producer.close();
      await deliveries?.close();
    },
  };
}
