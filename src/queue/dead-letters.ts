// The dead-letter view of a queue: BullMQ's failed set holds jobs that used up their attempts (or could never
// succeed). They stay there until an operator re-drives them (`persona jobs retry`), so nothing is silently dropped.
import { Queue } from 'bullmq';
import { bullConnection } from './redis-connection.ts';

export interface DeadLetter {
  id: string;
  name: string;
  organisation: string | null;
  /** Number of statements in the job. */
  statements: number;
  attemptsMade: number;
  failedReason: string;
  failedAt: string | null;
}

export async function listFailedJobs(
  queue: Queue,
  { limit = 50, offset = 0 }: { limit?: number; offset?: number } = {},
): Promise<DeadLetter[]> {
  const jobs = await queue.getFailed(offset, offset + limit - 1);
  return jobs.filter(Boolean).map((job) => ({
    id: String(job.id),
    name: job.name,
    organisation: typeof job.data?.organisation === 'string' ? job.data.organisation : null,
    statements: Array.isArray(job.data?.statements) ? job.data.statements.length : 0,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  }));
}

/** Moves failed jobs back to waiting with fresh attempts: the given ids, or every failed job when `ids` is absent. */
export async function retryFailedJobs(queue: Queue, { ids }: { ids?: string[] } = {}): Promise<{ retried: string[]; missing: string[] }> {
  const retried: string[] = [];
  const missing: string[] = [];
  const targets = ids ?? (await listAllFailedIds(queue));
  for (const id of targets) {
    const job = await queue.getJob(id);
    if (!job || (await job.getState()) !== 'failed') {
      missing.push(id);
      continue;
    }
    await job.retry('failed', { resetAttemptsMade: true });
    retried.push(id);
  }
  return { retried, missing };
}

async function listAllFailedIds(queue: Queue): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await queue.getFailed(offset, offset + 499);
    ids.push(...page.filter(Boolean).map((job) => String(job.id)));
    if (page.length < 500) return ids;
  }
}

/** The statements queue as `persona jobs` reads it (no producer options: it only lists and re-drives failed jobs). */
export function openDeadLetterQueue(options: { redisUrl: string; queueName: string; prefix: string }): Queue {
  return new Queue(options.queueName, { connection: bullConnection(options.redisUrl), prefix: options.prefix });
}
