// Chooses how a find runs: which index to walk and which key ranges of it, from the filter's equality/`$in`/range
// conditions on a prefix of the index's fields; and whether walking those ranges in order already gives the
// requested sort (then the executor stops after skip + limit matches). The `_id` of a collection is the
// primary "index": its entries are the documents themselves.
import type { Filter, IndexKeys, Sort, SortDirection } from '../port.ts';
import { StoreWriteError } from './errors.ts';
import { extractConditions, type FieldCondition } from './filter-conditions.ts';
import { indexPrefix, type IndexDefinition } from './index-entries.ts';
import { KeyWriter, prefixEnd, typeBracket, writeValue } from './index-keys.ts';
import { planDisjunction } from './or-planner.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

export const PRIMARY_INDEX_NAME = '_id_';
/** More key ranges than this (a cross product of `$in`s) and the planner uses a shorter prefix instead. */
export const MAX_RANGES = 20_000;

export interface KeyRange {
  start: Buffer;
  /** Exclusive. */
  end: Buffer;
  /** `start` is a complete key of a unique index (or an `_id`): one get instead of a range walk. */
  isExact: boolean;
}

export interface Plan {
  /** Null: the primary (`_id`) index. */
  index: IndexDefinition | null;
  /** As reported by explain: null for a plain collection scan. */
  indexName: string | null;
  ranges: KeyRange[];
  reverse: boolean;
  sortedByIndex: boolean;
  /** What a walked document must still be tested against: the filter, less conditions the exact keys proved. */
  residualFilter: Filter;
  /**
   * The fields whose conditions the key ranges encode: the equality prefix of the index, then the field of its range
   * condition if any (empty for disjunctions and scans). A filter of exactly these conditions is answered by the keys.
   */
  keyFields: string[];
}

export interface Candidate extends Plan {
  score: number;
  /** Every range is one complete unique key (an `_id`, or a `$in` of them): gets, not walks. */
  isPointLookup: boolean;
}

export function primaryDefinition(collection: string): IndexDefinition {
  return { id: -1, collection, name: PRIMARY_INDEX_NAME, key: { _id: 1 }, unique: true, sparse: false };
}

export function planQuery(input: {
  filter: Filter;
  sort?: Sort;
  hint?: string | IndexKeys;
  indexes: IndexDefinition[];
  collectionPrefix: Buffer;
}): Plan {
  const conditions = extractConditions(input.filter);
  const sort = input.sort ?? {};
  const primary = primaryDefinition(input.indexes[0]?.collection ?? '');
  const prefixOf = (index: IndexDefinition): Buffer => (index.id === -1 ? input.collectionPrefix : indexPrefix(index.id));
  if (input.hint !== undefined) {
    const hinted = findHinted(input.hint, [primary, ...input.indexes]);
    if (!hinted) throw new StoreWriteError(2, 'hint provided does not correspond to an existing index');
    return withCoverage(candidateFor(hinted, prefixOf(hinted), conditions, sort, true), input.filter);
  }
  const scored = [primary, ...input.indexes]
    .map((definition) => ({ definition, candidate: candidateFor(definition, prefixOf(definition), conditions, sort, false, false) }))
    .filter(
      ({ candidate }) => candidate.score > 0 || (candidate.sortedByIndex && Object.keys(sort).length > 0 && !candidate.index?.sparse),
    );
  // Point lookups of complete unique keys (an `_id` or `$in` of them) beat any range walk, however many fields the
  // walked index matches — MongoDB's planner does the same for `_id` equality.
  scored.sort(
    ({ candidate: a }, { candidate: b }) =>
      Number(b.isPointLookup) - Number(a.isPointLookup) ||
      b.score - a.score ||
      Number(b.sortedByIndex) - Number(a.sortedByIndex) ||
      Number(b.index?.unique ?? true) - Number(a.index?.unique ?? true) ||
      Object.keys(a.index?.key ?? { _id: 1 }).length - Object.keys(b.index?.key ?? { _id: 1 }).length,
  );
  const chosen = scored[0]?.definition;
  const best = chosen && candidateFor(chosen, prefixOf(chosen), conditions, sort, false);
  const disjunction = planDisjunction({ filter: input.filter, sort, indexes: [primary, ...input.indexes], prefixOf });
  if (
    disjunction &&
    (!best || disjunction.score > best.score || (disjunction.score === best.score && (disjunction.sortedByIndex || !best.sortedByIndex)))
  )
    return disjunction;
  if (best) return withCoverage(best, input.filter);
  const scan = candidateFor(primary, input.collectionPrefix, conditions, sort, true);
  return { ...scan, indexName: null, residualFilter: input.filter, keyFields: [] };
}

/**
 * Exact lookups prove the `v`/`$eq`/`$in` conditions on the index's fields: only the rest of the filter (often
 * nothing, or an `organisation` beside an `_id $in`) is left for the per-document test.
 */
function withCoverage(plan: Candidate, filter: Filter): Candidate {
  if (!plan.ranges.every((range) => range.isExact)) return { ...plan, residualFilter: filter };
  const fields = Object.keys(plan.index?.key ?? { _id: 1 });
  const residualFilter: Filter = {};
  for (const [path, expression] of Object.entries(filter)) {
    const isProved =
      fields.includes(path) &&
      (!isPlainObject(expression) ||
        Object.keys(expression).every((key) => !key.startsWith('$')) ||
        Object.keys(expression).every((key) => key === '$in' || key === '$eq'));
    if (!isProved) residualFilter[path] = expression;
  }
  return { ...plan, residualFilter };
}

function findHinted(hint: string | IndexKeys, indexes: IndexDefinition[]): IndexDefinition | undefined {
  if (typeof hint === 'string') return indexes.find((index) => index.name === hint);
  const wanted = JSON.stringify(Object.entries(hint));
  return indexes.find((index) => JSON.stringify(Object.entries(index.key)) === wanted);
}

/**
 * How `index` would serve the conditions. `withRanges: false` only scores it (no key is built): planning scores every
 * index and builds the ranges of the chosen one alone — a 1,000-value `$in` makes 1,000 keys per index otherwise.
 */
export function candidateFor(
  index: IndexDefinition,
  prefix: Buffer,
  conditions: Map<string, FieldCondition>,
  sort: Sort,
  isForced: boolean,
  withRanges = true,
): Candidate {
  const fields = Object.entries(index.key) as Array<[string, SortDirection]>;
  let prefixes: Buffer[] = [prefix];
  let prefixCount = 1;
  let rangeCondition: { condition: FieldCondition; direction: SortDirection } | null = null;
  let equalityFields = 0;
  let usesNull = false;
  const singleValued: boolean[] = [];
  for (const [path, direction] of fields) {
    const condition = conditions.get(path);
    if (condition?.values && prefixCount * condition.values.length <= MAX_RANGES) {
      usesNull ||= condition.values.some((value) => value === null);
      prefixCount *= condition.values.length;
      if (withRanges) prefixes = prefixes.flatMap((start) => condition.values!.map((value) => appendValue(start, value, direction)));
      singleValued.push(condition.values.length === 1);
      equalityFields += 1;
      continue;
    }
    if (condition && !condition.values) rangeCondition = { condition, direction };
    break;
  }
  const isComplete = equalityFields === fields.length && index.unique;
  const keyFields = fields.slice(0, equalityFields + (rangeCondition ? 1 : 0)).map(([path]) => path);
  let ranges: KeyRange[] = [];
  if (withRanges) {
    ranges = rangeCondition
      ? prefixes.map((start) => rangeOf(start, rangeCondition.condition, rangeCondition.direction))
      : prefixes.map((start) => ({ start, end: prefixEnd(start), isExact: isComplete }));
    ranges = sortedUnique(ranges);
  }
  // A sparse index lacks documents missing its fields: only usable when the query requires a non-null value.
  const isSparseUnsafe = index.sparse && !isForced && (usesNull || (equalityFields === 0 && !rangeCondition));
  const order = sortOrder(fields, singleValued, sort, index.unique);
  const score = isSparseUnsafe ? 0 : equalityFields * 2 + (rangeCondition ? 1 : 0);
  return candidateOf(index, ranges, order, score, { isPointLookup: score > 0 && isComplete && !rangeCondition, keyFields });
}

/** A candidate walking `ranges` of `index` in `order` (null: not in sort order); its residual filter is set later. */
export function candidateOf(
  index: IndexDefinition,
  ranges: KeyRange[],
  order: 'forward' | 'reverse' | null,
  score: number,
  {
    isPointLookup = false,
    residualFilter = {},
    keyFields = [],
  }: { isPointLookup?: boolean; residualFilter?: Filter; keyFields?: string[] } = {},
): Candidate {
  return {
    index: index.id === -1 ? null : index,
    indexName: index.name,
    ranges,
    reverse: order === 'reverse',
    sortedByIndex: order !== null,
    residualFilter,
    keyFields,
    score,
    isPointLookup,
  };
}

const appendWriter = new KeyWriter();

function appendValue(start: Buffer, value: unknown, direction: SortDirection): Buffer {
  const writer = appendWriter;
  writer.length = 0;
  writer.raw(start);
  writeValue(writer, value, direction);
  return writer.toBuffer();
}

/** Key range of one range condition; a one-sided bound is closed by the end of its BSON type, as MongoDB does. */
function rangeOf(start: Buffer, condition: FieldCondition, direction: SortDirection): KeyRange {
  // A descending component is byte-inverted, so the lower bound of the values is the upper bound of the keys.
  const low = direction === 1 ? condition.lower : condition.upper;
  const high = direction === 1 ? condition.upper : condition.lower;
  const anyValue = (condition.lower ?? condition.upper)!.value;
  const from = low
    ? low.inclusive
      ? appendValue(start, low.value, direction)
      : prefixEnd(appendValue(start, low.value, direction))
    : Buffer.concat([start, typeBracket(anyValue, direction)]);
  const to = high
    ? high.inclusive
      ? prefixEnd(appendValue(start, high.value, direction))
      : appendValue(start, high.value, direction)
    : prefixEnd(Buffer.concat([start, typeBracket(anyValue, direction)]));
  return { start: from, end: to, isExact: false };
}

// Sorted by latin1 strings of the keys: one code unit per byte, so string order is byte order, and comparing
// strings avoids a native Buffer.compare call per comparison (a 1000-value `$in` sorts ~10,000 times per index).
function sortedUnique(ranges: KeyRange[]): KeyRange[] {
  if (ranges.length < 2) return ranges;
  const keyed = ranges.map((range) => ({ key: range.start.toString('latin1'), range }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.filter((entry, position) => position === 0 || entry.key !== keyed[position - 1].key).map((entry) => entry.range);
}

/**
 * 'forward' or 'reverse' when walking the index gives the sort: the sort's fields follow the index's fields from
 * some position on, every earlier index field is pinned to one value, and all directions agree (or all are
 * opposite). Non-unique entries end with the `_id`, so a trailing `_id` sort key is served too.
 */
export function sortOrder(
  fields: Array<[string, SortDirection]>,
  singleValued: boolean[],
  sort: Sort,
  isUnique: boolean,
): 'forward' | 'reverse' | null {
  const sortFields = Object.entries(sort);
  if (sortFields.length === 0) return 'forward';
  const walked: Array<[string, SortDirection]> = isUnique ? fields : [...fields, ['_id', 1]];
  let position = 0;
  while (position < walked.length && walked[position][0] !== sortFields[0][0]) {
    if (!singleValued[position]) return null;
    position += 1;
  }
  let ratio: number | null = null;
  for (const [path, direction] of sortFields) {
    const field = walked[position];
    if (!field || field[0] !== path) return null;
    const fieldRatio = direction * field[1];
    if (ratio !== null && ratio !== fieldRatio) return null;
    ratio = fieldRatio;
    position += 1;
  }
  return ratio === 1 ? 'forward' : 'reverse';
}
