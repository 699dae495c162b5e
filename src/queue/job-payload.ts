// The public queue interface (docs/spec/native-api.md, "Statements"): any BullMQ client may add a job named
// `resolve` to the statements queue with data `{ organisation: "<24-hex>", statements: [...] }`. This schema is the
// one check of that payload; a payload that fails it can never succeed, so the worker dead-letters it at once.
import { z } from 'zod';
import { OBJECT_ID_TEXT } from '../domain/object-id-text.ts';

export const RESOLVE_JOB_NAME = 'resolve';

export const resolveJobDataSchema = z.object({
  organisation: z.string().regex(OBJECT_ID_TEXT, 'must be a 24-hex organisation id'),
  statements: z.array(z.unknown()).min(1, 'must hold at least one statement'),
  /** The identity of the store the job was enqueued for (store-queue-prefix.ts); other producers may leave it out. */
  store: z.string().min(1).optional(),
});

export type ResolveJobData = z.infer<typeof resolveJobDataSchema>;

/** Names every problem of a payload in one line (`organisation: must be ...; statements: ...`), or null when valid. */
export function describePayloadProblems(data: unknown): string | null {
  const parsed = resolveJobDataSchema.safeParse(data);
  if (parsed.success) return null;
  return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`).join('; ');
}

/** Splits a statement array into job payloads of at most `batchSize` statements, in order. */
export function splitIntoJobs(organisation: string, statements: unknown[], batchSize: number, store?: string): ResolveJobData[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const jobs: ResolveJobData[] = [];
  for (let start = 0; start < statements.length; start += batchSize) {
    jobs.push({ organisation, statements: statements.slice(start, start + batchSize), ...(store ? { store } : {}) });
  }
  return jobs;
}
