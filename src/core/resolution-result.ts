// The result document of resolving statements: the inline answer of POST /v1/statements, a queue job's return
// value and what `persona ingest` summarises (shape: docs/spec/native-api.md, "Statements").
import type { ObjectId } from 'bson';
import type { Ifi } from '../domain/model.ts';
import type { AgentRole } from '../domain/xapi/index.ts';

export interface ResolvedAgent {
  role: AgentRole;
  path: string;
  ifi: Ifi;
  identifierId: string;
  personaId: string;
  /** True when this call created the identifier. */
  created: boolean;
}

/**
 * An agent whose identifier an identity rule blocks (domain/guard-rules.ts): nothing was created or linked for it;
 * `rule` names the rule (`blocked.defaults.test_address`, `blocked.values[2]`). The statement's other agents resolve.
 */
export interface BlockedAgent {
  role: AgentRole;
  path: string;
  ifi: Ifi;
  status: 'blocked';
  rule: string;
}

export interface StatementError {
  code: string;
  message: string;
  path: string;
}

export interface StatementResult {
  statementId: string | null;
  status: 'resolved' | 'rejected';
  error: StatementError | null;
  agents: ResolvedAgent[];
  /** Agents an identity rule blocks (absent when none): listed here instead of in `agents`. */
  blocked?: BlockedAgent[];
}

export interface ResolutionCounts {
  resolved: number;
  rejected: number;
  personasCreated: number;
  identifiersCreated: number;
}

export interface ResolutionResult {
  results: StatementResult[];
  counts: ResolutionCounts;
  /**
   * Ids of the personas this call created (the upserts it won), each once. Consumers that announce or react to new
   * personas (events) read it here instead of guessing from creation dates, which a concurrent resolver shares.
   */
  createdPersonaIds: string[];
}

/** Where a resolution's counts are recorded (the API's metrics); resolution knows only this, not the metrics' transport. */
export interface ResolutionRecorder {
  recordResolution(counts: ResolutionCounts): void;
}

export function emptyCounts(): ResolutionCounts {
  return { resolved: 0, rejected: 0, personasCreated: 0, identifiersCreated: 0 };
}

export function emptyResult(): ResolutionResult {
  return { results: [], counts: emptyCounts(), createdPersonaIds: [] };
}

/** Appends the result of a later part (batch, slice, job) to `total`. */
export function addResult(total: ResolutionResult, part: ResolutionResult): void {
  for (const entry of part.results) total.results.push(entry);
  addCounts(total.counts, part.counts);
  for (const id of part.createdPersonaIds ?? []) total.createdPersonaIds.push(id);
}

export function addCounts(total: ResolutionCounts, part: ResolutionCounts): void {
  total.resolved += part.resolved;
  total.rejected += part.rejected;
  total.personasCreated += part.personasCreated;
  total.identifiersCreated += part.identifiersCreated;
}

/**
 * An after-resolution effect (statement write-back stamping, persona events): runs once `statements` resolved to
 * `result`, on every path (features/resolver/resolution-pipeline.ts). It must be idempotent: a retried job or a
 * re-sent request resolves the same statements again and runs it again.
 */
export type AfterResolveHook = (organisation: ObjectId, statements: unknown[], result: ResolutionResult) => Promise<void>;
