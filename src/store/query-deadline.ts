// A time limit on the reads a client's request drives (QUERY_TIMEOUT_MS): lists, counts and Learning Locker filters
// can scan a whole collection, so one request must not hold the embedded engine's event loop, or a MongoDB server,
// for longer than that. The HTTP layer runs each read-only request inside runWithQueryDeadline; the adapters read
// the deadline of the current request from here (AsyncLocalStorage follows the request's async calls, so no call
// site passes it along): MongoDB gets `maxTimeMS`, the embedded engine checks it while it scans. Work outside a
// request (workers, merges' recovery, the CLI) has no deadline.
import { AsyncLocalStorage } from 'node:async_hooks';

const deadlines = new AsyncLocalStorage<number>();

/** Thrown by either adapter when a read outlives its request's deadline: 503 `query.timeout`. */
export class QueryTimeoutError extends Error {
  readonly code = 'query.timeout';
  readonly status = 503;

  constructor(timeoutMs?: number) {
    super(`The query ran past the time limit${timeoutMs ? ` of ${timeoutMs} ms` : ''} (QUERY_TIMEOUT_MS); narrow the filter`);
    this.name = 'QueryTimeoutError';
  }
}

export function runWithQueryDeadline<R>(timeoutMs: number, work: () => R): R {
  return deadlines.run(Date.now() + timeoutMs, work);
}

/** Milliseconds left for the current request's reads (at least 1), or undefined outside a deadline. */
export function remainingQueryTimeMs(): number | undefined {
  const deadline = deadlines.getStore();
  return deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
}

/** Throws QueryTimeoutError once the current request's deadline has passed. */
export function checkQueryDeadline(): void {
  const deadline = deadlines.getStore();
  if (deadline !== undefined && Date.now() >= deadline) throw new QueryTimeoutError();
}
