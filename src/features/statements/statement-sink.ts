// Where POST /v1/statements sends statements: resolved inline in the request (the default), or enqueued on the
// BullMQ statements queue (202 with a job id) unless the request asks `?wait=true`. app.ts picks the sink.
import type { StatementPublisher } from '../../core/statement-jobs.ts';
import type { Caller } from '../../core/caller.ts';
import type { ResolutionRecorder, ResolutionResult } from '../../core/resolution-result.ts';
import type { Resolver } from '../resolver/resolver.service.ts';

export type SinkAnswer =
  | { status: 200; body: ResolutionResult }
  | { status: 202; body: { jobId: string; accepted: number } };

export interface StatementSink {
  readonly mode: 'inline' | 'queued';
  submit(caller: Caller, statements: unknown[], options: { wait: boolean }): Promise<SinkAnswer>;
}

export function createInlineStatementSink({ resolver, metrics }: { resolver: Resolver; metrics?: ResolutionRecorder }): StatementSink {
  return {
    mode: 'inline',
    async submit(caller, statements) {
      const result = await resolver.resolveStatements(caller.organisation, statements);
      metrics?.recordResolution(result.counts);
      return { status: 200, body: result };
    },
  };
}

export function createQueuedStatementSink({ queue, inline }: { queue: StatementPublisher; inline: StatementSink }): StatementSink {
  return {
    mode: 'queued',
    async submit(caller, statements, options) {
      if (options.wait) return inline.submit(caller, statements, options);
      const { jobId, accepted } = await queue.enqueue(caller.organisation.toHexString(), statements);
      return { status: 202, body: { jobId, accepted } };
    },
  };
}
