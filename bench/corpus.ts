// A synthetic statement stream for benchmarks: `statements` statements over `learners` learners with mixed
// identifier kinds; the last tenth of learners only appear in the last fifth of the stream (new learners late).
import { createHash } from 'node:crypto';

export interface CorpusOptions {
  statements: number;
  learners: number;
}

export function agentOfLearner(learner: number): Record<string, unknown> {
  switch (learner % 5) {
    case 0:
      return { objectType: 'Agent', name: `Learner ${learner}`, mbox: `mailto:learner${learner}@example.org` };
    case 1:
      return { objectType: 'Agent', account: { homePage: 'https://lms.example.org', name: `user-${learner}` } };
    case 2:
      return { objectType: 'Agent', mbox_sha1sum: createHash('sha1').update(`mailto:hashed${learner}@example.org`).digest('hex') };
    case 3:
      return { objectType: 'Agent', openid: `https://id.example.org/${learner}` };
    default:
      return { objectType: 'Agent', name: `Learner ${learner}`, account: { name: `staff-${learner}`, homePage: 'https://hr.example.org' } };
  }
}

/** The learner of statement `index`, deterministic (a multiplicative hash spreads learners over the stream). */
export function learnerOfStatement(index: number, options: CorpusOptions): number {
  const lateLearners = Math.floor(options.learners / 10);
  const lateStart = Math.floor(options.statements * 0.8);
  // Multiplicative hashing of the half-index, so that odd and even statements both reach every residue.
  const spread = (Math.floor(index / 2) * 2654435761 + (index % 2) * 40503) % 4294967296;
  if (index >= lateStart && index % 2 === 0) return options.learners - lateLearners + (spread % lateLearners);
  return spread % (options.learners - lateLearners);
}

export function statementAt(index: number, options: CorpusOptions): Record<string, unknown> {
  return {
    id: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
    actor: agentOfLearner(learnerOfStatement(index, options)),
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
    object: { objectType: 'Activity', id: `https://courses.example.org/activity/${index % 500}` },
    timestamp: '2026-01-01T00:00:00.000Z',
  };
}

export function* batchesOf(
  options: CorpusOptions,
  batchSize: number,
  from = 0,
  to = options.statements,
): Generator<Record<string, unknown>[]> {
  for (let start = from; start < to; start += batchSize) {
    const batch: Record<string, unknown>[] = [];
    for (let index = start; index < Math.min(start + batchSize, to); index += 1) batch.push(statementAt(index, options));
    yield batch;
  }
}
