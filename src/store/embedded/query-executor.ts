// Runs a find: plans it, walks the plan, tests each candidate with the filter compiled once by mingo, then sorts
// (only when the index walk did not), skips, limits and projects. When the walk is in sort order it stops after
// skip + limit matches, so a page costs the same at any depth.
import { Aggregator, Query } from 'mingo';
import { withCodecObjectIds } from './foreign-object-ids.ts';
import { LinearQuery } from './linear-regex.ts';
import { checkQueryDeadline } from '../query-deadline.ts';
import type { CountOptions, Document, Filter, FindOptions, Projection, QueryPlan, Sort } from '../port.ts';
import type { IndexDefinition } from './index-entries.ts';
import { isAnsweredByKeys } from './index-only-count.ts';
import { countPlanDocuments, walkPlan, type WalkedDocument, type WalkSource } from './plan-walker.ts';
import { planQuery, type Plan } from './query-planner.ts';
import { compilePartialDecoder, type PartialDecoder } from './partial-decode.ts';
import { compileSimpleFilter, compileSimpleProjection } from './simple-filter.ts';

export interface FindOutcome {
  matches: WalkedDocument[];
  explain: QueryPlan;
  /** The documents were decoded to exactly the projection's fields: projecting them again would change nothing. */
  isProjected: boolean;
}

export function planFor(filter: Filter, options: FindOptions, indexes: IndexDefinition[], source: WalkSource): Plan {
  return planQuery({ filter, sort: options.sort, hint: options.hint, indexes, collectionPrefix: source.collectionPrefix });
}

/** Matching documents after sort, skip and limit; decoded partially (see partialDecoding) when `decodesPartially`. */
export function runFind(
  source: WalkSource,
  indexes: IndexDefinition[],
  filter: Filter,
  options: FindOptions = {},
  decodesPartially = false,
): FindOutcome {
  const plan = planFor(filter, options, indexes, source);
  const partial = decodesPartially ? partialDecoding(plan.residualFilter, options) : null;
  if (partial) source = { ...source, decode: partial.decode };
  // Built once per call, for what the exact index lookups did not already prove (nothing, for a covered `$in`).
  const query = compileMatcher(plan.residualFilter);
  const skip = options.skip ?? 0;
  const wanted = options.limit ? skip + options.limit : Infinity;
  let docsExamined = 0;
  let matches: WalkedDocument[] = [];
  for (const walked of walkPlan(source, plan)) {
    // Every 64 documents: a scan driven by a client's filter stops at its request's deadline (QUERY_TIMEOUT_MS).
    if ((docsExamined & 63) === 0) checkQueryDeadline();
    docsExamined += 1;
    if (query && !query(walked.document)) continue;
    matches.push(walked);
    if (plan.sortedByIndex && matches.length >= wanted) break;
  }
  if (!plan.sortedByIndex && options.sort) matches = sortWalked(matches, options.sort);
  matches = matches.slice(skip, wanted === Infinity ? undefined : wanted);
  const explain = { indexName: plan.indexName, docsExamined, nReturned: matches.length, sortedByIndex: plan.sortedByIndex };
  return { matches, explain, isProjected: partial?.isProjected ?? false };
}

/**
 * countDocuments: from the index entries alone when the filter is exactly what the chosen index's key ranges select
 * (index-only-count.ts), so a count of an organisation's personas reads no persona; otherwise the matches of a find.
 */
export function countMatches(source: WalkSource, indexes: IndexDefinition[], filter: Filter, options: CountOptions = {}): number {
  const plan = planFor(filter, {}, indexes, source);
  if (!isAnsweredByKeys(plan, filter)) return runFind(source, indexes, filter, options).matches.length;
  const skip = options.skip ?? 0;
  const counted = countPlanDocuments(source, plan, options.limit ? skip + options.limit : Infinity);
  return Math.max(0, counted - skip);
}

/**
 * How a projected find decodes: when an inclusion projection, the residual filter (what the index lookups did not
 * prove) and the sort together name only some top-level fields, documents are decoded to those fields alone (plus
 * `_id`, the sort's tie-breaker). `isProjected`: those fields are exactly the projection's, so the decoded document
 * is already the projected one. Anything that may look at other fields (top-level operators such as `$or`,
 * exclusion projections) decodes everything.
 */
export function partialDecoding(residualFilter: Filter, options: FindOptions): { decode: PartialDecoder; isProjected: boolean } | null {
  const projection = Object.entries(options.projection ?? {});
  const included = projection.filter(([path]) => path !== '_id');
  if (included.length === 0 || !included.every(([, flag]) => flag === 1 || flag === true)) return null;
  const idFlag = options.projection?._id;
  if (![undefined, 0, 1, true, false].includes(idFlag as never)) return null;
  const topLevel = (path: string): string => path.split('.')[0];
  const fields = new Set<string>(['_id', ...included.map(([path]) => topLevel(path))]);
  const projectedCount = fields.size;
  for (const path of Object.keys(residualFilter)) {
    if (path.startsWith('$')) return null;
    fields.add(topLevel(path));
  }
  for (const path of Object.keys(options.sort ?? {})) fields.add(topLevel(path));
  const isProjected =
    fields.size === projectedCount && (idFlag === undefined || Boolean(idFlag)) && included.every(([path]) => !path.includes('.'));
  return { decode: compilePartialDecoder(fields), isProjected };
}

/** MongoDB sort semantics (type order, missing as null) by mingo; ties broken by `_id` so our order is deterministic. */
export function sortDocuments<T extends Document>(documents: T[], sort: Sort): T[] {
  if (documents.length < 2) return documents;
  const spec = '_id' in sort ? sort : { ...sort, _id: 1 };
  return new Aggregator([{ $sort: spec }]).run(documents) as T[];
}

function sortWalked(matches: WalkedDocument[], sort: Sort): WalkedDocument[] {
  const byDocument = new Map<Document, WalkedDocument>(matches.map((walked) => [walked.document, walked]));
  return sortDocuments(
    matches.map((walked) => walked.document),
    sort,
  ).map((document) => byDocument.get(document)!);
}

/** Tests a filter: simple equality filters without mingo, the rest with mingo's compiled Query (regexes on RE2); null tests nothing. */
export function compileMatcher(filter: Filter | null): ((document: Document) => boolean) | null {
  if (filter === null || Object.keys(filter).length === 0) return null;
  // Top-level conditions are ANDed, so the simple ones can be tested apart from the rest: a long `$in` beside an
  // `$exists` is then one Set lookup per document instead of mingo's scan of the whole list.
  const simplePart: Filter = {};
  const rest: Filter = {};
  for (const [path, expression] of Object.entries(filter)) {
    if (compileSimpleFilter({ [path]: expression })) simplePart[path] = expression;
    else rest[path] = expression;
  }
  const head = Object.keys(simplePart).length > 0 ? compileSimpleFilter(simplePart) : null;
  if (Object.keys(rest).length === 0) return head;
  const query = new LinearQuery(withCodecObjectIds(rest));
  return head ? (document) => head(document) && query.test(document) : (document) => query.test(document);
}

export function projectDocuments<T extends Document>(documents: T[], projection: Projection | undefined): T[] {
  if (!projection || Object.keys(projection).length === 0) return documents;
  const simple = compileSimpleProjection(projection);
  if (simple) return documents.map(simple) as T[];
  return new Query({}).find<T>(documents, projection as any).all();
}
