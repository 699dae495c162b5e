// What can be said about Redis without loading a Redis client: its address for messages (password masked), the
// QUEUE=auto|bullmq decision when it does not answer, and a TCP check that it listens at all. The API checks the
// port first, so a deployment without Redis never loads ioredis or BullMQ (wiring/application.ts).
import { connect } from 'node:net';

export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
}

/** Masks a password in a Redis URL for log and error messages. */
export function describeRedisUrl(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/**
 * Null when something listens at the URL's host and port (or the URL is TLS, `rediss:`, which only a client can
 * check); otherwise why not. Only a cheap first look: the Redis client's PING (probeRedis) decides.
 */
export async function redisPortProblem(redisUrl: string, timeoutMs: number): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'redis:') return null;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = Number(url.port || 6379);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (problem: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (error) => done(error.message));
  });
}

/**
 * The queue-mode rule when Redis does not answer: QUEUE=bullmq stops start-up with what to do; QUEUE=auto turns the
 * queue off with one log line. `problem` is QueueUnavailableError's message (`Redis at … is unreachable: …`).
 */
export function queueOffOrThrow(
  mode: 'auto' | 'bullmq',
  problem: string,
  redisUrl: string,
  logger: { warn(object: object, message?: string): void },
): null {
  if (mode === 'bullmq') {
    throw new QueueUnavailableError(
      `QUEUE=bullmq but ${problem}. Start Redis, fix REDIS_URL, or set QUEUE=auto to resolve inline without it.`,
    );
  }
  logger.warn({ queue: 'off', redis: describeRedisUrl(redisUrl) }, `queue off: ${problem}; statements resolve inline`);
  return null;
}
