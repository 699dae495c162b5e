// Where POST /v1/statements sends statements: resolved inline in the request (the default), or enqueued on the
// BullMQ statements queue (202 with a job id) unless the request asks `?wait=true`. app.ts picks the sink.
import { QUEUE_DEADLINE_MS, withinQueueDeadline } from '../../core/queue-deadline.ts';
import type { StatementPublisher } from '../../core/statement-jobs.ts';
import type { Caller } from '../../core/caller.ts';
import type { ResolutionRecorder, ResolutionResult } from '../../core/resolution-result.ts';
import type { StatementResolution } from '../resolver/resolution-pipeline.ts';

export type SinkAnswer = { status: 200; body: ResolutionResult } | { status: 202; body: { jobId: string; accepted: number } };

export interface StatementSink {
  readonly mode: 'inline' | 'queued';
  submit(caller: Caller, statements: unknown[], options: { wait: boolean }): Promise<SinkAnswer>;
}

/** Resolves in the request, through the resolution pipeline (its after-resolution effects run as on a worker). */
export function createInlineStatementSink({
  resolution,
  metrics,
}: {
  resolution: StatementResolution;
  metrics?: ResolutionRecorder;
}): StatementSink {
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
export const ENQUEUE_TIMEOUT_MS = QUEUE_DEADLINE_MS;

// After the deadline (core/queue-deadline.ts) the client is told to retry; the offline command may still reach Redis
// later and be resolved, which is harmless (a statement sent again resolves to the same persona), so a 202 always
// means resolved eventually and a 503 means send it again.
export function createQueuedStatementSink({
  queue,
  inline,
  enqueueTimeoutMs = ENQUEUE_TIMEOUT_MS,
}: {
  queue: StatementPublisher;
  inline: StatementSink;
  enqueueTimeoutMs?: number;
}): StatementSink {
  return {
    mode: 'queued',
    async submit(caller, statements, options) {
      if (options.wait) return inline.submit(caller, statements, options);
      const { jobId, accepted } = await withinQueueDeadline(
        queue.enqueue(caller.organisation.toHexString(), statements),
        enqueueTimeoutMs,
        'take the statements',
      );
      return { status: 202, body: { jobId, accepted } };
    },
  };
}
