// The filter "strictly after (or before) this position in this sort order" for keyset pagination:
//   $or: [ {k1 beyond c1}, {k1: c1, k2 beyond c2}, ..., {k1: c1, ..., kn beyond cn} ]
// MongoDB's comparison operators only match values of the same type ({$gt: null} matches nothing), while sort
// orders across types (null/missing < numbers < strings < objects < arrays < booleans < dates). "Beyond" therefore
// also takes the values of the types that sort beyond the cursor's: an LL persona `name` may be null, a number or a
// string, and paging across those must neither stop nor repeat. Fields with one known type skip the type clauses.
import type { Filter, Sort } from '../../store/port.ts';

/** Fields whose values always have one type in our collections (ObjectIds, Dates). */
const SINGLE_TYPE_FIELDS = new Set(['_id', 'organisation', 'persona', 'personaId', 'mergedInto', 'createdAt', 'updatedAt']);

/** MongoDB's cross-type sort order for the types JSON data and our documents hold ($type aliases). */
const TYPE_ORDER = ['null', 'number', 'string', 'object', 'array', 'bool', 'date'] as const;

function typeRank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return 1;
  if (typeof value === 'string') return 2;
  if (Array.isArray(value)) return 4;
  if (typeof value === 'boolean') return 5;
  if (value instanceof Date) return 6;
  if (Object.getPrototypeOf(value) === Object.prototype) return 3;
  return -1; // ObjectId and other BSON types: compared within their own type only
}

/** Matches nothing (used where no value can lie beyond the position). */
const NOTHING: Filter = { _id: { $in: [] } };

function beyond(key: string, value: unknown, operator: '$gt' | '$lt'): Filter {
  const rank = typeRank(value);
  if (SINGLE_TYPE_FIELDS.has(key) || rank < 0) return { [key]: { [operator]: value } };
  if (operator === '$gt') {
    const higher = TYPE_ORDER.slice(rank + 1);
    if (rank === 0) return { [key]: { $type: [...higher] } };
    return higher.length === 0 ? { [key]: { $gt: value } } : { $or: [{ [key]: { $gt: value } }, { [key]: { $type: [...higher] } }] };
  }
  if (rank === 0) return NOTHING;
  const lower = TYPE_ORDER.slice(1, rank);
  // `{k: null}` matches null and missing alike, which sort first.
  return { $or: [{ [key]: { $lt: value } }, ...(lower.length ? [{ [key]: { $type: [...lower] } }] : []), { [key]: null }] };
}

/**
 * `direction` is in terms of the sort order: 'after' pages forwards, 'before' backwards. Only the keys present in
 * `position` take part (an LL cursor may lack our trailing `_id`).
 */
export function keysetCondition(sort: Sort, position: Map<string, unknown>, direction: 'after' | 'before'): Filter {
  const keys = Object.keys(sort).filter((key) => position.has(key));
  const clauses: Filter[] = [];
  keys.forEach((key, index) => {
    const equalities: Filter = {};
    for (const previous of keys.slice(0, index)) equalities[previous] = position.get(previous) ?? null;
    const ascending = sort[key] === 1;
    const operator = ascending === (direction === 'after') ? '$gt' : '$lt';
    const comparison = beyond(key, position.get(key), operator);
    clauses.push(Object.keys(equalities).length === 0 ? comparison : { ...equalities, ...comparison });
  });
  if (clauses.length === 0) return {};
  return clauses.length === 1 ? clauses[0] : { $or: clauses };
}

export interface KeysetParts {
  /** Rows beyond the position whose leading sort value has the cursor's type (one index range). */
  first: Filter;
  /** Rows whose leading sort value has another type that sorts beyond it, or null; they all come after `first`. */
  rest: Filter | null;
}

/**
 * The same rows as keysetCondition, split so that an index can serve the common case: the cross-type clauses of
 * the leading key (`$type`, which no index range covers) go to `rest`, which the pager reads only when `first`
 * does not fill the page. Split only when the later sort keys have one type (e.g. `_id`); otherwise `rest` is null
 * and `first` is the whole condition.
 */
export function splitKeysetCondition(sort: Sort, position: Map<string, unknown>, direction: 'after' | 'before'): KeysetParts {
  const keys = Object.keys(sort).filter((key) => position.has(key));
  const whole = { first: keysetCondition(sort, position, direction), rest: null };
  if (keys.length === 0) return whole;
  const [lead, ...later] = keys;
  const value = position.get(lead);
  const rank = typeRank(value);
  if (SINGLE_TYPE_FIELDS.has(lead) || rank < 0) return whole;
  if (later.some((key) => !SINGLE_TYPE_FIELDS.has(key) && typeRank(position.get(key)) >= 0)) return whole;
  const operator = (sort[lead] === 1) === (direction === 'after') ? '$gt' : '$lt';
  const sameType: Filter | null = rank === 0 ? null : { [lead]: { [operator]: value } };
  let otherTypes: Filter | null;
  if (operator === '$gt') {
    const higher = TYPE_ORDER.slice(rank + 1);
    otherTypes = higher.length ? { [lead]: { $type: [...higher] } } : null;
  } else {
    const lower = TYPE_ORDER.slice(1, rank);
    otherTypes = rank === 0 ? null : { $or: [...(lower.length ? [{ [lead]: { $type: [...lower] } }] : []), { [lead]: null }] };
  }
  const laterSort: Sort = {};
  for (const key of later) laterSort[key] = sort[key];
  const laterCondition = later.length ? keysetCondition(laterSort, position, direction) : null;
  const ties: Filter | null = laterCondition ? { [lead]: value ?? null, ...laterCondition } : null;
  const clauses = [sameType, ties].filter((clause): clause is Filter => clause !== null);
  const first = clauses.length === 0 ? NOTHING : clauses.length === 1 ? clauses[0] : { $or: clauses };
  return { first, rest: otherTypes };
}
