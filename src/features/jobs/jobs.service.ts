// GET /v1/jobs/{id}: the state and, once done, the result document of a queued statements request, within the
// caller's organisation (a job of another organisation does not exist for the caller).
import { QUEUE_DEADLINE_MS, withinQueueDeadline } from '../../core/queue-deadline.ts';
import type { JobReport, StatementPublisher } from '../../core/statement-jobs.ts';

export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError';
  readonly code = 'jobs.job_not_found';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} not found`);
  }
}

export class QueueOffError extends Error {
  override name = 'QueueOffError';
  readonly code = 'jobs.queue_off';
  constructor() {
    super('The statements queue is off: statements are resolved inline and there are no jobs');
  }
}

/** Job ids are BullMQ ids: ours (`s<hex>[-n]`) or those of other producers (numbers or strings). */
const JOB_ID = /^[A-Za-z0-9_.-]{1,200}$/;

export interface JobsService {
  getJob(organisation: string, jobId: string): Promise<JobReport>;
}

/** `readTimeoutMs`: how long a lookup waits for Redis before it answers 503 queue.unavailable (Redis down). */
export function createJobsService({
  queue,
  readTimeoutMs = QUEUE_DEADLINE_MS,
}: {
  queue: StatementPublisher | null;
  readTimeoutMs?: number;
}): JobsService {
  return {
    async getJob(organisation, jobId) {
      if (!queue) throw new QueueOffError();
      if (!JOB_ID.test(jobId)) throw new JobNotFoundError(jobId);
      const report = await withinQueueDeadline(queue.getJobReport(jobId, organisation), readTimeoutMs, 'answer the job lookup');
      if (!report) throw new JobNotFoundError(jobId);
      return report;
    },
  };
}
