// Runs a find: plans it, walks the plan, tests each candidate with the filter compiled once by mingo, then sorts
// (only when the index walk did not), skips, limits and projects. When the walk is in sort order it stops after
// skip + limit matches, so a page costs the same at any depth.
import { Aggregator, Query } from 'mingo';
import type { Document, Filter, FindOptions, Projection, QueryPlan, Sort } from '../port.ts';
import type { IndexDefinition } from './index-entries.ts';
import { walkPlan, type WalkedDocument, type WalkSource } from './plan-walker.ts';
import { planQuery, type Plan } from './query-planner.ts';
import { compilePartialDecoder } from './partial-decode.ts';
import { compileSimpleFilter, compileSimpleProjection } from './simple-filter.ts';

export interface FindOutcome {
  matches: WalkedDocument[];
  explain: QueryPlan;
}

export function planFor(filter: Filter, options: FindOptions, indexes: IndexDefinition[], source: WalkSource): Plan {
  return planQuery({ filter, sort: options.sort, hint: options.hint, indexes, collectionPrefix: source.collectionPrefix });
}

/** Matching documents after sort, skip and limit (not projected). */
export function runFind(source: WalkSource, indexes: IndexDefinition[], filter: Filter, options: FindOptions = {}): FindOutcome {
  const plan = planFor(filter, options, indexes, source);
  // Built once per call, for what the exact index lookups did not already prove (nothing, for a covered `$in`).
  const query = compileMatcher(plan.residualFilter);
  const skip = options.skip ?? 0;
  const wanted = options.limit ? skip + options.limit : Infinity;
  let docsExamined = 0;
  let matches: WalkedDocument[] = [];
  for (const walked of walkPlan(source, plan)) {
    docsExamined += 1;
    if (query && !query(walked.document)) continue;
    matches.push(walked);
    if (plan.sortedByIndex && matches.length >= wanted) break;
  }
  if (!plan.sortedByIndex && options.sort) matches = sortWalked(matches, options.sort);
  matches = matches.slice(skip, wanted === Infinity ? undefined : wanted);
  return { matches, explain: { indexName: plan.indexName, docsExamined, nReturned: matches.length, sortedByIndex: plan.sortedByIndex } };
}

/**
 * The source a projected find reads through: when an inclusion projection, the filter and the sort together name
 * only some top-level fields, documents are decoded to those fields alone (plus `_id`, the sort's tie-breaker);
 * anything that may look at other fields (top-level operators such as `$or`, exclusion projections) decodes all.
 */
export function projectedSource(source: WalkSource, filter: Filter, options: FindOptions): WalkSource {
  const fields = fieldsRead(filter, options);
  return fields ? { ...source, decode: compilePartialDecoder(fields) } : source;
}

function fieldsRead(filter: Filter, options: FindOptions): Set<string> | null {
  const projection = Object.entries(options.projection ?? {});
  const included = projection.filter(([path]) => path !== '_id');
  if (included.length === 0 || !included.every(([, flag]) => flag === 1 || flag === true)) return null;
  if (projection.some(([path, flag]) => path === '_id' && ![0, 1, true, false].includes(flag as never))) return null;
  const topLevel = (path: string): string => path.split('.')[0];
  const fields = new Set<string>(['_id', ...included.map(([path]) => topLevel(path))]);
  for (const path of Object.keys(filter)) {
    if (path.startsWith('$')) return null;
    fields.add(topLevel(path));
  }
  for (const path of Object.keys(options.sort ?? {})) fields.add(topLevel(path));
  return fields;
}

/** MongoDB sort semantics (type order, missing as null) by mingo; ties broken by `_id` so our order is deterministic. */
export function sortDocuments<T extends Document>(documents: T[], sort: Sort): T[] {
  if (documents.length < 2) return documents;
  const spec = '_id' in sort ? sort : { ...sort, _id: 1 };
  return new Aggregator([{ $sort: spec }]).run(documents) as T[];
}

function sortWalked(matches: WalkedDocument[], sort: Sort): WalkedDocument[] {
  const byDocument = new Map<Document, WalkedDocument>(matches.map((walked) => [walked.document, walked]));
  return sortDocuments(matches.map((walked) => walked.document), sort).map((document) => byDocument.get(document)!);
}

/** Tests a filter: simple equality filters without mingo, the rest with mingo's compiled Query; null tests nothing. */
export function compileMatcher(filter: Filter | null): ((document: Document) => boolean) | null {
  if (filter === null || Object.keys(filter).length === 0) return null;
  const simple = compileSimpleFilter(filter);
  if (simple) return simple;
  const query = new Query(filter);
  return (document) => query.test(document);
}

export function projectDocuments<T extends Document>(documents: T[], projection: Projection | undefined): T[] {
  if (!projection || Object.keys(projection).length === 0) return documents;
  const simple = compileSimpleProjection(projection);
  if (simple) return documents.map(simple) as T[];
  return new Query({}).find<T>(documents, projection as any).all();
}
