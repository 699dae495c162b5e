// A bound on how long a request waits for Redis. While Redis is down BullMQ's connection keeps every command in its
// offline queue and reconnects for ever, so an awaited queue call would hold the request (and what it carries, in
// memory) until Redis came back. Past the deadline the request is answered 503 queue.unavailable with Retry-After.
import { ApiError } from './errors/api-error.ts';

/** How long a request waits for Redis before it answers 503 queue.unavailable. */
export const QUEUE_DEADLINE_MS = 5000;
/** Seconds a client is told to wait before it asks again when Redis does not answer. */
export const QUEUE_RETRY_AFTER_SECONDS = 5;

/** `work`'s answer, or ApiError queue.unavailable (Retry-After) once `deadlineMs` has passed without one. */
export async function withinQueueDeadline<T>(work: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ApiError('queue.unavailable', {
            params: { reason: `Redis did not ${what} within ${deadlineMs} ms` },
            headers: { 'Retry-After': String(QUEUE_RETRY_AFTER_SECONDS) },
          }),
        ),
      deadlineMs,
    );
  });
  // The abandoned call may still fail later (Redis back, or closed): that is no longer anyone's answer.
  work.catch(() => {});
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
