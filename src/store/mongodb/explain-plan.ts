// Reduces the server's explain('executionStats') output to the port's QueryPlan: the index the winning plan
// scans (IXSCAN), documents examined and returned, and whether a SORT stage was needed.
import type { Document } from 'mongodb';
import type { QueryPlan } from '../port.ts';

function stagesOf(plan: Document | undefined): Document[] {
  if (!plan) return [];
  const children = [plan.inputStage, ...(plan.inputStages ?? [])].filter(Boolean);
  return [plan, ...children.flatMap(stagesOf)];
}

export function planFromExplain(explain: Document): QueryPlan {
  const winning = explain.queryPlanner?.winningPlan;
  const stages = stagesOf(winning?.queryPlan ?? winning);
  const indexScan = stages.find((stage) => stage.stage === 'IXSCAN' || stage.stage === 'EXPRESS_IXSCAN');
  const isIdLookup = stages.some((stage) => stage.stage === 'IDHACK' || stage.stage === 'EXPRESS_IDHACK');
  return {
    indexName: indexScan?.indexName ?? (isIdLookup ? '_id_' : null),
    docsExamined: explain.executionStats?.totalDocsExamined ?? 0,
    nReturned: explain.executionStats?.nReturned ?? 0,
    sortedByIndex: !stages.some((stage) => stage.stage === 'SORT'),
  };
}
