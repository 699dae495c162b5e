// Back-pressure on statement POSTs (/v1/statements, /xapi/statements): when the store or the workers fall behind, a
// request is refused at once with 503 and Retry-After, before anything is resolved or queued, instead of piling up
// in memory (each waiting request holds its statements) or in Redis. Sending it again later is safe.
//  - store.busy: STATEMENTS_MAX_PENDING requests are already being resolved (inline) or enqueued; a slow store makes
//    them last, so their number is the store's write queue as this process sees it.
//  - queue.backlog: QUEUE_HIGH_WATER jobs already wait for a worker (queued sink, without ?wait=true).
import { ApiError } from '../../core/errors/api-error.ts';
import { QUEUE_DEADLINE_MS, QUEUE_RETRY_AFTER_SECONDS, withinQueueDeadline } from '../../core/queue-deadline.ts';
import type { StatementSink } from './statement-sink.ts';

/** A store that is behind drains in-flight requests in moments: ask again soon. */
const STORE_BUSY_RETRY_AFTER_SECONDS = 1;
/**
 * How long one reading of the queue's waiting count serves: a flood of requests costs Redis one LLEN per interval,
 * and lets at most one interval's worth of requests past the mark.
 */
const BACKLOG_READ_EVERY_MS = 200;

export interface BackPressureLimits {
  maxPending: number;
  /** With `waitingCount`: the queue's high-water mark. */
  queueHighWater?: number;
  waitingCount?: () => Promise<number>;
}

export function withBackPressure(inner: StatementSink, limits: BackPressureLimits): StatementSink {
  let pending = 0;
  let backlog: { readAt: number; waiting: Promise<number> } | null = null;

  function readBacklog(count: () => Promise<number>): Promise<number> {
    const now = Date.now();
    if (!backlog || now - backlog.readAt >= BACKLOG_READ_EVERY_MS) {
      backlog = { readAt: now, waiting: withinQueueDeadline(count(), QUEUE_DEADLINE_MS, 'count the waiting jobs') };
      // A failed read (Redis down) is not kept: the next request asks again.
      const failed = backlog;
      failed.waiting.catch(() => {
        if (backlog === failed) backlog = null;
      });
    }
    return backlog.waiting;
  }

  return {
    mode: inner.mode,
    async submit(caller, statements, options) {
      if (pending >= limits.maxPending) {
        throw new ApiError('store.busy', { params: { pending }, headers: { 'Retry-After': String(STORE_BUSY_RETRY_AFTER_SECONDS) } });
      }
      pending += 1;
      try {
        if (inner.mode === 'queued' && !options.wait && limits.waitingCount && limits.queueHighWater !== undefined) {
          const waiting = await readBacklog(limits.waitingCount);
          if (waiting >= limits.queueHighWater) {
            throw new ApiError('queue.backlog', {
              params: { waiting, max: limits.queueHighWater },
              headers: { 'Retry-After': String(QUEUE_RETRY_AFTER_SECONDS) },
            });
          }
        }
        return await inner.submit(caller, statements, options);
      } finally {
        pending -= 1;
      }
    },
  };
}
