// The write-back worker of a worker process: wires Learning Locker statement write-back into it (WRITE_BACK_STATEMENTS=true): the target
// collection (a Learning Locker database, or the statements collection of our own store), its indexes, the
// ingest-path stamping hook and the rate-limited back-fill worker.
import { Worker } from 'bullmq';
import type { Config } from '../config.ts';
import { bullConnection } from './redis-connection.ts';
import type { AfterResolveHook, WorkerLogger } from './statement-worker.ts';
import type { PersonaDoc } from '../domain/model.ts';
import type { Collection, Store } from '../store/port.ts';
import { createBackfillProcessor, type BackfillJobData } from '../features/write-back/statement-backfill.ts';
import { backfillQueueName, createBackfillQueue, enqueueBackfills } from './backfill-queue.ts';
import { stampStatements } from '../features/write-back/statement-stamping.ts';
import { checkWriteBackIndexes } from '../features/write-back/write-back-indexes.ts';

export type WriteBackConfig = Pick<Config,
  'REDIS_URL' | 'QUEUE_PREFIX' | 'QUEUE_NAME' | 'WRITE_BACK_COLLECTION' | 'BACKFILL_BATCH_SIZE' | 'BACKFILL_RATE'> & Partial<Pick<Config, 'WRITE_BACK_PERSON'>>;

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
