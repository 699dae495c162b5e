// The services' statement write-back hooks (features/write-back/service-write-back.ts) for CLI commands, published
// exactly as the API publishes them (queue/backfill-queue.ts backfillPublisher): with write-back and the queue on,
// a persona a command renames gets the same re-stamp job on the back-fill queue, which the workers run. The queue is
// opened at the first rename, so a command that renames nothing never waits for Redis; without Redis the rename
// stands and a warning says its statements were not re-stamped (as the API, whose queue is then off, does not).
import type { Config } from '../config.ts';
import type { PersonaDoc } from '../domain/model.ts';
import { serviceWriteBackHooks, type ServiceWriteBackHooks } from '../features/write-back/service-write-back.ts';
import { backfillPublisher, createBackfillQueue } from '../queue/backfill-queue.ts';
import { probeRedis } from '../queue/redis-connection.ts';
import { loadStoreId, withStoreQueuePrefix } from '../queue/store-queue-prefix.ts';
import type { Store } from '../store/port.ts';
import { stderrWarnings } from './stderr-warnings.ts';

export interface CliWriteBackHooks {
  hooks: Pick<ServiceWriteBackHooks, 'onRenamed'>;
  close(): Promise<void>;
}

export async function openCliWriteBackHooks(givenConfig: Config, store: Store): Promise<CliWriteBackHooks> {
  if (!givenConfig.WRITE_BACK_STATEMENTS || givenConfig.QUEUE === 'inline') return { hooks: {}, close: async () => {} };
  const config = withStoreQueuePrefix(givenConfig, await loadStoreId(store));
  let backfills: ReturnType<typeof createBackfillQueue> | null = null;
  let opened: Promise<ServiceWriteBackHooks> | null = null;
  const open = async (): Promise<ServiceWriteBackHooks> => {
    try {
      await probeRedis(config.REDIS_URL, config.QUEUE_STARTUP_TIMEOUT_MS);
    } catch (error) {
      stderrWarnings.warn({ err: (error as Error).message }, 'write-back: the statements of renamed personas are not re-stamped');
      return {};
    }
    backfills = createBackfillQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, queueName: config.QUEUE_NAME });
    return serviceWriteBackHooks(backfillPublisher(backfills), stderrWarnings);
  };
  return {
    hooks: {
      async onRenamed(persona: PersonaDoc) {
        opened ??= open();
        await (await opened).onRenamed?.(persona);
      },
    },
    async close() {
      await backfills?.close();
    },
  };
}
