// Redis connections for BullMQ and the start-up probe. BullMQ opens (and closes) its own clients from these options,
// so queues, workers and event producers never share a blocking connection by accident.
import { Redis } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { describeRedisUrl, QueueUnavailableError } from './redis-address.ts';

export { describeRedisUrl, QueueUnavailableError };

/** Options BullMQ needs: no per-command retry limit, so a worker waits out a Redis restart instead of crashing. */
export function bullConnection(redisUrl: string): ConnectionOptions {
  return { url: redisUrl, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

/**
 * Connects once, PINGs and disconnects. Throws QueueUnavailableError with the URL and the cause when Redis does not
 * answer within `timeoutMs` (no reconnect loop: start-up must decide quickly).
 */
export async function probeRedis(redisUrl: string, timeoutMs: number): Promise<void> {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {
    /* reported through the rejected promise below */
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new QueueUnavailableError(`Redis at ${describeRedisUrl(redisUrl)} is unreachable: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
