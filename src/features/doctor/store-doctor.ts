// `persona doctor`: checks a store's invariants and, with `repair`, repairs what can be repaired without a decision
// (the rest is reported). Order matters: index entries first (every later check reads through the indexes), then
// interrupted merges (recovery moves identifiers off tombstones itself), then the identity invariants.
import type { Store } from '../../store/port.ts';
import type { AfterMergeChange } from '../merges/merge-effects.ts';
import type { DoctorProblem } from './doctor-problem.ts';
import { checkIdentity } from './identity-checks.ts';
import { checkMergeJournal } from './merge-journal-check.ts';

/** The embedded store's index audit (embedded-store.ts); MongoDB keeps its own indexes consistent. */
interface AuditableIndexes {
  auditIndexes(options: {
    repair?: boolean;
  }): Promise<Array<{ kind: DoctorProblem['code']; collection: string; index: string; documentKey: string; repaired: boolean }>>;
}

const hasIndexAudit = (store: Store): store is Store & AuditableIndexes =>
  typeof (store as Partial<AuditableIndexes>).auditIndexes === 'function';

export interface DoctorOptions {
  repair?: boolean;
  /** With repair: also complete merges whose lease has not expired (the operator knows their process is dead). */
  takeOverLiveLeases?: boolean;
  afterChange?: AfterMergeChange;
}

export interface DoctorReport {
  /** True when nothing was found (a repaired store is clean on the next run, not this one). */
  clean: boolean;
  problems: DoctorProblem[];
  repaired: number;
  unrepaired: number;
}

export async function runDoctor(store: Store, options: DoctorOptions = {}): Promise<DoctorReport> {
  const repair = options.repair === true;
  const indexProblems: DoctorProblem[] = hasIndexAudit(store)
    ? (await store.auditIndexes({ repair })).map((problem) => ({
        code: problem.kind,
        collection: problem.collection,
        id: problem.documentKey,
        message: `index ${problem.index}: ${messageOf(problem.kind)}`,
        repaired: problem.repaired,
      }))
    : [];
  const problems = [
    ...indexProblems,
    ...(await checkMergeJournal(store, { repair, takeOverLiveLeases: options.takeOverLiveLeases, afterChange: options.afterChange })),
    ...(await checkIdentity(store, { repair })),
  ];
  const repaired = problems.filter((problem) => problem.repaired).length;
  return { clean: problems.length === 0, problems, repaired, unrepaired: problems.length - repaired };
}

function messageOf(kind: DoctorProblem['code']): string {
  if (kind === 'index.entry_missing') return 'the document has no entry (queries by this index miss it)';
  if (kind === 'index.entry_stale') return 'an entry names a document that does not have it (a deleted or changed document)';
  return 'several documents claim one key of a unique index';
}
