// The filter of GET /v1/personas: plain conditions on persona fields, `search=` (as a set of ids; see search-page.ts), and the fields
// that live in other collections (identifier.*, attribute.<key>, linkedTo.*), each turned into the set of persona ids
// that match (one query per collection; identifier.* conditions apply to one identifier together).
import type { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import type { Filter, Store } from '../../store/port.ts';
import { apiError } from '../../core/errors/api-error.ts';
import { allOf, conditionClause } from '../../core/list/condition-filter.ts';
import { searchMatchIds } from '../search/search-page.ts';
import { termsOf } from '../search/search-tokens.ts';
import type { Condition, ListQuery } from '../../core/list/list-query.ts';

/**
 * More records than this matched by the joined conditions of one request, all together: 400, narrow the filter.
 * One budget for the request, not one per condition: each id costs ~20 bytes in the `$in`/`$nin` the query carries,
 * so any number of conditions stays near 2 MB, far from MongoDB's 16 MB command limit (review finding 18).
 */
export const MAX_JOINED_PERSONAS = 100_000;

/** What is left of a request's MAX_JOINED_PERSONAS as its joined conditions are looked up. */
interface JoinBudget {
  remaining: number;
  max: number;
}

type Related = { collection: string; personaField: string; toClause: (condition: Condition) => Filter };

function identifierClause(condition: Condition): Filter {
  if (condition.field === 'identifier.key') return conditionClause(condition, 'ifi.key');
  return { $or: [conditionClause(condition, 'ifi.value'), conditionClause(condition, 'ifi.value.name')] };
}

const RELATED: Record<string, Related> = {
  identifier: { collection: COLLECTIONS.identifiers, personaField: 'persona', toClause: identifierClause },
  linkedTo: {
    collection: COLLECTIONS.links,
    personaField: 'persona',
    toClause: (condition) => conditionClause(condition, condition.field === 'linkedTo.recordId' ? 'recId' : 'recTypeName'),
  },
};

async function personaIdsMatching(
  store: Store,
  organisation: ObjectId,
  related: Related,
  clauses: Filter[],
  parameter: string,
  budget: JoinBudget,
): Promise<ObjectId[]> {
  const rows = await store
    .collection(related.collection)
    .find(
      { organisation, ...(clauses.length ? { $and: clauses } : {}) },
      { projection: { [related.personaField]: 1 }, limit: budget.remaining + 1 },
    );
  if (rows.length > budget.remaining) {
    throw apiError('query.invalid_filter', {
      parameter,
      reason: `the joined conditions match more than ${budget.max} records together; narrow them`,
    });
  }
  budget.remaining -= rows.length;
  const unique = new Map(rows.map((row) => [String(row[related.personaField]), row[related.personaField] as ObjectId]));
  return [...unique.values()];
}

/** `ne` and `exists=false` on a joined field mean "no related record matches": computed as the complement. */
function isNegative(condition: Condition): boolean {
  return condition.op === 'ne' || (condition.op === 'exists' && condition.value === false);
}

function positive(condition: Condition): Condition {
  if (condition.op === 'ne') return { ...condition, op: 'eq' };
  if (condition.op === 'exists') return { ...condition, value: true };
  return condition;
}

export async function personaListFilter(
  store: Store,
  organisation: ObjectId,
  query: ListQuery,
  maxJoined = MAX_JOINED_PERSONAS,
): Promise<Filter> {
  const budget: JoinBudget = { remaining: maxJoined, max: maxJoined };
  const clauses: Filter[] = [];
  const grouped = new Map<string, Condition[]>();
  for (const condition of query.conditions) {
    if (condition.spec.path) clauses.push(conditionClause(condition));
    else if (condition.field.startsWith('attribute.')) {
      const key = condition.field.slice('attribute.'.length);
      const attributeRelated: Related = {
        collection: COLLECTIONS.attributes,
        personaField: 'personaId',
        toClause: (c) => ({ key, ...conditionClause(c, 'value') }),
      };
      const ids = await personaIdsMatching(
        store,
        organisation,
        attributeRelated,
        [attributeRelated.toClause(positive(condition))],
        `search.${condition.field}`,
        budget,
      );
      clauses.push({ _id: isNegative(condition) ? { $nin: ids } : { $in: ids } });
    } else {
      const family = condition.field.split('.')[0];
      const list = grouped.get(family) ?? [];
      list.push(condition);
      grouped.set(family, list);
    }
  }
  for (const [family, conditions] of grouped) {
    const related = RELATED[family];
    const positives = conditions.filter((condition) => !isNegative(condition));
    const negatives = conditions.filter(isNegative);
    if (positives.length > 0 || negatives.length === 0) {
      const ids = await personaIdsMatching(store, organisation, related, positives.map(related.toClause), `search.${family}`, budget);
      clauses.push({ _id: { $in: ids } });
    }
    for (const negative of negatives) {
      const ids = await personaIdsMatching(
        store,
        organisation,
        related,
        [related.toClause(positive(negative))],
        `search.${negative.field}`,
        budget,
      );
      clauses.push({ _id: { $nin: ids } });
    }
  }
  const terms = query.search ? termsOf(query.search) : null;
  if (terms) {
    const ids = await searchMatchIds(store, { organisation, mergedInto: { $exists: false } }, terms, budget.remaining);
    budget.remaining -= ids.length;
    clauses.push({ _id: { $in: ids } });
  }
  return allOf(...clauses);
}
