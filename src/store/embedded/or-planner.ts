// Index plans for a `$or` (top level or inside `$and`, as keyset pagination writes "after this cursor"): when every
// disjunct, together with the filter's other conditions (an `organisation` equality applies to each), is indexable
// on one index, the plan walks the union of the disjuncts' key ranges in index order. Overlapping ranges are merged
// so the walk stays in key order, and the walker yields each document once; when the fields before the sort are
// pinned to one value in every disjunct, that order is the sort, so a page after a cursor examines about `limit`
// documents at any depth. The whole filter is still tested on every walked document.
import type { Filter, Sort, SortDirection } from '../port.ts';
import { extractConditions, type FieldCondition } from './filter-conditions.ts';
import type { IndexDefinition } from './index-entries.ts';
import { encodeValue } from './index-keys.ts';
import { candidateFor, candidateOf, MAX_RANGES, sortOrder, type Candidate, type KeyRange } from './query-planner.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

/** Every `$or` whose result is ANDed with the whole filter: at the top level or in (nested) top-level `$and` clauses. */
function disjunctionsOf(filter: Filter): Filter[][] {
  const found: Filter[][] = [];
  const visit = (node: Filter): void => {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$or' && Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) found.push(value);
      else if (key === '$and' && Array.isArray(value)) for (const clause of value) if (isPlainObject(clause)) visit(clause);
    }
  };
  visit(filter);
  return found;
}

export function planDisjunction(input: {
  filter: Filter;
  sort: Sort;
  indexes: IndexDefinition[];
  prefixOf: (index: IndexDefinition) => Buffer;
}): Candidate | null {
  let best: Candidate | null = null;
  for (const disjuncts of disjunctionsOf(input.filter)) {
    // The disjunct's own conditions come first, so they win over a looser condition on the same field elsewhere.
    const conditionSets = disjuncts.map((disjunct) => extractConditions({ $and: [disjunct, input.filter] }));
    for (const index of input.indexes) {
      const parts = conditionSets.map((conditions) => candidateFor(index, input.prefixOf(index), conditions, input.sort, false));
      if (parts.some((part) => part.score === 0)) continue;
      const ranges = unionOf(parts.flatMap((part) => part.ranges));
      if (ranges.length > MAX_RANGES) continue;
      const fields = Object.entries(index.key) as Array<[string, SortDirection]>;
      const order = sortOrder(fields, pinnedFields(fields, conditionSets), input.sort, index.unique);
      const candidate = candidateOf(index, ranges, order, Math.min(...parts.map((part) => part.score)), { residualFilter: input.filter });
      if (!best || candidate.score > best.score || (candidate.score === best.score && candidate.sortedByIndex && !best.sortedByIndex))
        best = candidate;
    }
  }
  return best;
}

/** Sorted, non-overlapping ranges covering the same keys: walking them in order (or reverse) is index order. */
function unionOf(ranges: KeyRange[]): KeyRange[] {
  const sorted = [...ranges].sort((a, b) => Buffer.compare(a.start, b.start));
  const merged: KeyRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && Buffer.compare(range.start, last.end) < 0) {
      if (Buffer.compare(range.end, last.end) > 0) last.end = range.end;
      last.isExact = last.isExact && range.isExact && range.start.equals(last.start);
      continue;
    }
    merged.push({ ...range });
  }
  return merged;
}

/**
 * Per index field (in order, up to the first that is not): pinned to the same single value in every disjunct. Only
 * then does walking the union in key order give the sort of the following fields.
 */
function pinnedFields(fields: Array<[string, SortDirection]>, conditionSets: Array<Map<string, FieldCondition>>): boolean[] {
  const pinned: boolean[] = [];
  for (const [path] of fields) {
    const values = conditionSets.map((conditions) => conditions.get(path)?.values);
    const isPinned =
      values.every((list) => list?.length === 1) && values.every((list) => encodeValue(list![0]).equals(encodeValue(values[0]![0])));
    pinned.push(isPinned);
    if (!isPinned) break;
  }
  while (pinned.length < fields.length) pinned.push(false);
  return pinned;
}
