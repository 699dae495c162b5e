// What the features see of the statements queue (they publish through this, never through BullMQ): enqueueing
// statement arrays and reading a job's report back. queue/statement-queue.ts implements it.
import type { ResolutionResult } from './resolution-result.ts';

export interface EnqueueResult {
  /** The id to poll with GET /v1/jobs/{id}. */
  jobId: string;
  /** The BullMQ job ids (one per batch). */
  jobIds: string[];
  accepted: number;
}

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

export interface JobReport {
  id: string;
  state: JobState;
  accepted: number;
  attemptsMade: number;
  createdAt: string;
  finishedAt: string | null;
  error: { code: 'jobs.failed'; message: string } | null;
  /** The result document (or counts only, per JOB_RESULT) once every part completed. */
  result: ResolutionResult | { counts: ResolutionResult['counts'] } | null;
}

export interface StatementPublisher {
  enqueue(organisation: string, statements: unknown[]): Promise<EnqueueResult>;
  /** The report of a public job id within one organisation; null when unknown or of another organisation. */
  getJobReport(jobId: string, organisation: string): Promise<JobReport | null>;
  /** Jobs waiting for a worker (the backlog back-pressure compares with QUEUE_HIGH_WATER). */
  waitingCount(): Promise<number>;
}
