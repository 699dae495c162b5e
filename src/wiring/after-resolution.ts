// The after-resolution effects of this process, chosen once from the config and run by the resolution pipeline on
// every path (features/resolver/resolution-pipeline.ts): statement write-back stamping (WRITE_BACK_STATEMENTS) and
// persona events. What needs Redis: with the queue on, events go to the `<QUEUE_NAME>-events` stream and to webhooks
// through the retrying webhook queue, and new identifiers get a back-fill job; with the queue off (QUEUE=inline, or
// Redis down under QUEUE=auto), events are POSTed to WEBHOOK_URLS directly, once (a failure is logged), and there is
// no back-fill of older statements. Stamping needs no Redis.
import { webhookUrlsOf, type Config } from '../config.ts';
import type { AfterResolveHook } from '../core/resolution-result.ts';
import { personaEventsEffect, type PersonaEvent, type PublishEvents } from '../features/events/persona-events.ts';
import { deliverEvent } from '../features/events/webhook-delivery.ts';
import { statementStampingEffect } from '../features/write-back/statement-stamping.ts';
import type { QueueRuntime } from '../queue/queue-runtime.ts';
import type { Collection, Store } from '../store/port.ts';

export interface AfterResolution {
  afterResolve: AfterResolveHook[];
  /** Where this process's persona events go (merges use it too); null when nobody listens (no queue, no webhook). */
  publishEvents: PublishEvents | null;
}

export function afterResolutionOf({
  config,
  store,
  writeBackStatements,
  queue,
  logger,
}: {
  config: Pick<Config, 'WEBHOOK_URLS' | 'WEBHOOK_SECRET' | 'WRITE_BACK_PERSON'>;
  store: Store;
  /** Learning Locker's statements collection when write-back is on (wiring/write-back-target.ts). */
  writeBackStatements: Collection | null;
  queue: Pick<QueueRuntime, 'publishEvents' | 'backfillCreatedIdentifiers'> | null;
  logger: { warn(object: object, message?: string): void };
}): AfterResolution {
  const publishEvents = queue ? queue.publishEvents : directWebhooks(config, logger);
  const afterResolve: AfterResolveHook[] = [];
  if (writeBackStatements) {
    afterResolve.push(
      statementStampingEffect({
        store,
        statements: writeBackStatements,
        person: config.WRITE_BACK_PERSON,
        backfillIdentifiers: queue?.backfillCreatedIdentifiers ?? null,
      }),
    );
  }
  if (publishEvents) afterResolve.push(personaEventsEffect(store, publishEvents));
  return { afterResolve, publishEvents };
}

/**
 * Without the queue: each event to each webhook now, once. A failure is logged and not thrown, as for merge events:
 * the statements are resolved, and a failed request would only make the client send them again.
 */
function directWebhooks(
  config: Pick<Config, 'WEBHOOK_URLS' | 'WEBHOOK_SECRET'>,
  logger: { warn(object: object, message?: string): void },
): PublishEvents | null {
  const urls = webhookUrlsOf(config);
  const secret = config.WEBHOOK_SECRET;
  if (urls.length === 0 || !secret) return null;
  return async (events: PersonaEvent[]) => {
    await Promise.all(
      events.flatMap((event) =>
        urls.map((url) =>
          deliverEvent({ url, event }, { secret }).catch((error: Error) => {
            logger.warn({ url, eventId: event.eventId, err: error.message }, 'webhook delivery failed (queue off: not retried)');
          }),
        ),
      ),
    );
  };
}
