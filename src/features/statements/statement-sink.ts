// Where POST /v1/statements sends statements: resolved inline in the request (the default), or enqueued on the
// BullMQ statements queue (202 with a job id) unless the request asks `?wait=true`. app.ts picks the sink.
import { ApiError } from '../../core/errors/api-error.ts';
import type { StatementPublisher } from '../../core/statement-jobs.ts';
import type { Caller } from '../../core/caller.ts';
import type { ResolutionRecorder, ResolutionResult } from '../../core/resolution-result.ts';
import type { StatementResolution } from '../resolver/resolution-pipeline.ts';

export type SinkAnswer =
  | { status: 200; body: ResolutionResult }
  | { status: 202; body: { jobId: string; accepted: number } };

export interface StatementSink {
  readonly mode: 'inline' | 'queued';
  submit(caller: Caller, statements: unknown[], options: { wait: boolean }): Promise<SinkAnswer>;
}

/** Resolves in the request, through the resolution pipeline (its after-resolution effects run as on a worker). */
export function createInlineStatementSink({ resolution, metrics }: { resolution: StatementResolution; metrics?: ResolutionRecorder }): StatementSink {
  return {
    mode: 'inline',
    async submit(caller, statements) {
      const result = await resolution.resolveStatements(caller.organisation, statements);
      metrics?.recordResolution(result.counts);
      return { status: 200, body: result };
    },
  };
}

/** How long a request waits for Redis to take its statements before it answers 503 queue.unavailable. */
export const ENQUEUE_TIMEOUT_MS = 5000;
/** Seconds a client is told to wait before it sends again when Redis does not answer. */
const QUEUE_RETRY_AFTER_SECONDS = 5;

// While Redis is down BullMQ's connection keeps every command in its offline queue and reconnects for ever, so an
// enqueue would hold the request (and its statements, in memory) until Redis came back. After the deadline the client
// is told to retry instead; the offline command may still reach Redis later and be resolved, which is harmless (a
// statement sent again resolves to the same persona), so a 202 always means resolved eventually and a 503 means
// send it again.
export function createQueuedStatementSink({ queue, inline, enqueueTimeoutMs = ENQUEUE_TIMEOUT_MS }: {
  queue: StatementPublisher; inline: StatementSink; enqueueTimeoutMs?: number;
}): StatementSink {
  return {
    mode: 'queued',
    async submit(caller, statements, options) {
      if (options.wait) return inline.submit(caller, statements, options);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ApiError('queue.unavailable', {
          params: { reason: `Redis did not take the statements within ${enqueueTimeoutMs} ms` }, headers: { 'Retry-After': String(QUEUE_RETRY_AFTER_SECONDS) },
        })), enqueueTimeoutMs);
      });
      try {
        const { jobId, accepted } = await Promise.race([queue.enqueue(caller.organisation.toHexString(), statements), deadline]);
        return { status: 202, body: { jobId, accepted } };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
