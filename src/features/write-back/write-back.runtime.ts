// Wires Learning Locker statement write-back into a worker process (WRITE_BACK_STATEMENTS=true): the target
// collection (a Learning Locker database, or the statements collection of our own store), its indexes, the
// ingest-path stamping hook and the rate-limited back-fill worker.
import { Worker } from 'bullmq';
import type { Config } from '../../config.ts';
import { bullConnection } from '../../queue/redis-connection.ts';
import type { AfterResolveHook, WorkerLogger } from '../../queue/statement-worker.ts';
import { describeIndexGap, ensureIndexesOnEmptyCollections } from '../../store/index-check.ts';
import { buildIndex, type IndexProgress } from '../../store/indexes.ts';
import type { PersonaDoc } from '../../domain/model.ts';
import type { Collection, Store } from '../../store/port.ts';
import {
  backfillQueueName, createBackfillProcessor, createBackfillQueue, enqueueBackfills, type BackfillJobData,
} from './statement-backfill.ts';
import { stampStatements } from './statement-stamping.ts';
import { WRITE_BACK_INDEXES } from './write-back-indexes.ts';

export type WriteBackConfig = Pick<Config,
  'REDIS_URL' | 'QUEUE_PREFIX' | 'QUEUE_NAME' | 'WRITE_BACK_COLLECTION' | 'BACKFILL_BATCH_SIZE' | 'BACKFILL_RATE'> & Partial<Pick<Config, 'WRITE_BACK_PERSON'>>;

/** `persona migrate`: builds every write-back index (hours on a large Learning Locker statements collection). */
export async function ensureWriteBackIndexes(statements: Collection, onIndex?: IndexProgress): Promise<string[]> {
  const names: string[] = [];
  for (const index of WRITE_BACK_INDEXES) names.push(await buildIndex(statements, index, onIndex));
  return names;
}

/** Start-up: builds them only on an empty collection; on one holding statements, warns about the missing ones. */
export async function checkWriteBackIndexes(statements: Collection, logger: { warn(object: object, message?: string): void }): Promise<void> {
  const gaps = await ensureIndexesOnEmptyCollections(statements, WRITE_BACK_INDEXES);
  if (gaps.length > 0) {
    logger.warn({ missingIndexes: gaps.map(describeIndexGap) }, 'write-back indexes missing on the statements collection: stamping and back-fills scan until `persona migrate` (write-back on) builds them');
  }
}

/**
 * `store` holds personas; `statements` is Learning Locker's statements collection (the caller opens it, from
 * WRITE_BACK_MONGODB_URL or from `store`).
 */
export async function startWriteBack(
  config: WriteBackConfig, store: Store, statements: Collection, logger: WorkerLogger,
): Promise<{ hook: AfterResolveHook; restampPersona(persona: PersonaDoc): Promise<void>; close(): Promise<void> }> {
  await checkWriteBackIndexes(statements, logger);
  const backfills = createBackfillQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, queueName: config.QUEUE_NAME });
  const backfillWorker = new Worker<BackfillJobData>(
    backfillQueueName(config.QUEUE_NAME),
    createBackfillProcessor({ store, statements, batchSize: config.BACKFILL_BATCH_SIZE, ratePerSecond: config.BACKFILL_RATE, person: config.WRITE_BACK_PERSON }),
    { connection: bullConnection(config.REDIS_URL), prefix: config.QUEUE_PREFIX, concurrency: 1 },
  );
  backfillWorker.on('failed', (job, error) => logger.warn({ jobId: job?.id, err: error.message }, 'back-fill step failed'));
  backfillWorker.on('error', (error) => logger.error({ err: error.message }, 'back-fill worker error'));
  return {
    async hook(organisation, _statements, result) {
      const { newIdentifiers } = await stampStatements(store, statements, organisation, result, config.WRITE_BACK_PERSON);
      await enqueueBackfills(backfills, newIdentifiers.map((agent) => ({
        kind: 'identifier' as const, organisation: organisation.toHexString(), identifierId: agent.identifierId, personaId: agent.personaId, ifi: agent.ifi,
      })));
    },
    /** A persona the name policy renamed while resolving: its statements' `person.display` is refreshed (spec 2.3). */
    async restampPersona(persona) {
      const id = persona._id.toHexString();
      await enqueueBackfills(backfills, [{ kind: 'persona', organisation: persona.organisation.toHexString(), fromId: id, toId: id }]);
    },
    async close() {
      await backfillWorker.close();
      await backfills.close();
    },
  };
}
