// The queue as the API process sees it, built from config at start-up: QUEUE=inline → off; QUEUE=auto → on when
// Redis answers, otherwise off with one log line; QUEUE=bullmq → on, and an unreachable Redis stops start-up with a
// message saying what to do. Off means POST /v1/statements resolves inline.
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { webhookUrlsOf, type Config } from '../config.ts';
import type { Ifi } from '../domain/model.ts';
import { backfillPublisher, createBackfillQueue, enqueueBackfills, registerBackfillMetrics } from './backfill-queue.ts';
import { registerQueueMetrics } from './queue-metrics.ts';
import { describeRedisUrl, probeRedis } from './redis-connection.ts';
import { queueOffOrThrow } from './redis-address.ts';
import { createStatementQueue, type StatementQueue } from './statement-queue.ts';
import { createEventPublisher } from './event-publisher.ts';
import type { PersonaEvent } from '../features/events/persona-events.ts';
import type { ResolvedAgent } from '../core/resolution-result.ts';
import type { ObjectId } from 'bson';

export type QueueConfig = Pick<
  Config,
  | 'QUEUE'
  | 'REDIS_URL'
  | 'QUEUE_NAME'
  | 'QUEUE_PREFIX'
  | 'QUEUE_BATCH_SIZE'
  | 'QUEUE_JOB_ATTEMPTS'
  | 'QUEUE_BACKOFF_MS'
  | 'QUEUE_KEEP_COMPLETED'
  | 'QUEUE_KEEP_COMPLETED_SECONDS'
  | 'QUEUE_STARTUP_TIMEOUT_MS'
  | 'WRITE_BACK_STATEMENTS'
  | 'EVENTS_MAX_LENGTH'
  | 'WEBHOOK_URLS'
  | 'WEBHOOK_ATTEMPTS'
>;

export interface QueueLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
}

export interface QueueRuntime {
  statements: StatementQueue;
  /** Adds the pipeline figures (depth, totals, latency histogram; back-fill lag when write-back is on) to /metrics/cluster. */
  registerMetrics(registry: Registry): void;
  /**
   * Write-back on (WRITE_BACK_STATEMENTS): queue a background re-stamp of the statements of persona `fromId` onto
   * `toId` with its current name (after a merge, or `fromId === toId` after a rename; compat spec 2.3). Null when off.
   */
  restampPersona: ((organisation: string, fromId: string, toId: string) => Promise<void>) | null;
  /**
   * Write-back on: queue the back-fill of an identifier created or moved outside the resolver (HTTP, compat; spec
   * 2.2), stamping the statements of its IFI with it and its persona. Null when off.
   */
  backfillIdentifier: ((organisation: string, identifier: IdentifierBackfill) => Promise<void>) | null;
  /** Write-back on: queue the back-fills of the identifiers a resolution created (the stamping effect's). Null when off. */
  backfillCreatedIdentifiers: ((organisation: ObjectId, created: ResolvedAgent[]) => Promise<void>) | null;
  /** Persona events on the `<QUEUE_NAME>-events` stream, and to the webhook queue when WEBHOOK_URLS is set. */
  publishEvents(events: PersonaEvent[]): Promise<void>;
  /** For /ready: throws when Redis does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface IdentifierBackfill {
  identifierId: string;
  personaId: string;
  ifi: Ifi;
  /** A move is a new back-fill of an identifier that may have had one already. */
  moved: boolean;
}

export function statementQueueOptions(config: QueueConfig, storeId?: string) {
  return {
    redisUrl: config.REDIS_URL,
    queueName: config.QUEUE_NAME,
    prefix: config.QUEUE_PREFIX,
    storeId,
    batchSize: config.QUEUE_BATCH_SIZE,
    attempts: config.QUEUE_JOB_ATTEMPTS,
    backoffMs: config.QUEUE_BACKOFF_MS,
    keepCompleted: config.QUEUE_KEEP_COMPLETED,
    keepCompletedSeconds: config.QUEUE_KEEP_COMPLETED_SECONDS,
  };
}

/**
 * Returns the running queue, or null when statements resolve inline. Throws QueueUnavailableError for QUEUE=bullmq.
 * `storeId` is named in every job (store-queue-prefix.ts).
 */
export async function startQueueRuntime(config: QueueConfig, logger: QueueLogger, storeId?: string): Promise<QueueRuntime | null> {
  if (config.QUEUE === 'inline') {
    logger.info({ queue: 'off' }, 'queue off (QUEUE=inline): statements resolve inline');
    return null;
  }
  try {
    await probeRedis(config.REDIS_URL, config.QUEUE_STARTUP_TIMEOUT_MS);
  } catch (error) {
    return queueOffOrThrow(config.QUEUE, (error as Error).message, config.REDIS_URL, logger);
  }
  const statements = createStatementQueue(statementQueueOptions(config, storeId));
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  const backfills = config.WRITE_BACK_STATEMENTS
    ? createBackfillQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, queueName: config.QUEUE_NAME })
    : null;
  const publisher = backfills ? backfillPublisher(backfills) : null;
  redis.on('error', () => {});
  const events = createEventPublisher({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    queueName: config.QUEUE_NAME,
    maxLength: config.EVENTS_MAX_LENGTH,
    webhookUrls: webhookUrlsOf(config),
    webhookAttempts: config.WEBHOOK_ATTEMPTS,
  });
  logger.info(
    { queue: config.QUEUE_NAME, prefix: config.QUEUE_PREFIX, redis: describeRedisUrl(config.REDIS_URL) },
    'queue on: statements are resolved by workers',
  );
  return {
    statements,
    restampPersona: publisher?.restampPersona ?? null,
    backfillIdentifier: publisher?.backfillIdentifier ?? null,
    backfillCreatedIdentifiers: backfills
      ? (organisation, created) =>
          enqueueBackfills(
            backfills,
            created.map((agent) => ({
              kind: 'identifier' as const,
              organisation: organisation.toHexString(),
              identifierId: agent.identifierId,
              personaId: agent.personaId,
              ifi: agent.ifi,
            })),
          )
      : null,
    publishEvents: (published) => events.publish(published),
    registerMetrics(registry) {
      registerQueueMetrics(registry, { queue: statements.queue, redis, prefix: config.QUEUE_PREFIX });
      if (backfills) registerBackfillMetrics(registry, backfills);
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      await statements.close();
      await events.close();
      await backfills?.close();
      await redis.quit().catch(() => {});
    },
  };
}
