// Pages of `search=` results. Without `sort=`, results come in match order: the token index is walked from the
// cursor's (token, persona) position, so a page reads about as many entries as it shows, at any collection size
// (search as you type). The index only proposes: each candidate is checked against its live persona (the list's
// other conditions, tombstones) and live tokens (every term, deletions the index has not seen) before it is shown.
// With `sort=` (or for a count) the whole match set is needed: it is gathered as ids, at most MAX_JOINED_PERSONAS.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type IdentifierDoc, type PersonaDoc } from '../../domain/model.ts';
import type { Filter, Store } from '../../store/port.ts';
import { apiError } from '../../core/errors/api-error.ts';
import type { CursorCodec } from '../../core/list/cursor.ts';
import type { ListQuery } from '../../core/list/list-query.ts';
import type { Page } from '../../core/list/paginate.ts';
import { BY_ID } from '../duplicates/duplicate-index.ts';
import { tokensCollection, type SearchTokenDoc } from './search-index.ts';
import { matchesTerms, prefixEnd, tokensOf, type SearchTerms } from './search-tokens.ts';

const MAX_BATCH = 2000;
const TOKEN_ORDER = { organisation: 1, token: 1, persona: 1 } as const;

/** A term is selective when fewer index entries than this hold it (then it drives the walk whatever the others). */
const SELECTIVE = 64;

interface Position {
  token: string;
  persona: ObjectId;
}

/** The index range of one term: a whole word (`end` null) or a prefix. */
interface Driver {
  first: string;
  end: string | null;
}

/** Term `index` of the query: its words, then the prefix. */
function driverAt(terms: SearchTerms, index: number): Driver | null {
  if (index < terms.words.length) return { first: terms.words[index], end: null };
  return index === terms.words.length ? { first: terms.prefix, end: prefixEnd(terms.prefix) } : null;
}

const rangeOf = (driver: Driver): Filter =>
  driver.end === null ? { token: driver.first } : { token: { $gte: driver.first, $lt: driver.end } };

/**
 * Which term the walk follows: the one held by the fewest index entries, when one is held by fewer than SELECTIVE
 * (`learner 12345`: the rare prefix, not the word everyone has); else the prefix, which the admin is typing. One
 * short, index-only look-up per term; the choice is kept in the cursor, so later pages walk the same term.
 */
async function chooseDriver(store: Store, organisation: ObjectId, terms: SearchTerms): Promise<number> {
  const count = terms.words.length + 1;
  if (count === 1) return 0;
  const held = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      tokensCollection(store)
        .find({ organisation, ...rangeOf(driverAt(terms, index)!) }, { limit: SELECTIVE, projection: { _id: 1 }, hint: TOKEN_ORDER })
        .then((rows) => rows.length),
    ),
  );
  const fewest = Math.min(...held);
  return fewest < SELECTIVE ? held.indexOf(fewest) : count - 1;
}

/** Index entries of the driving term from a position (exclusive), forwards or backwards, in growing batches. */
async function* walkEntries(
  store: Store,
  organisation: ObjectId,
  driver: Driver,
  from: Position | null,
  isBackwards: boolean,
  firstBatch: number,
): AsyncGenerator<SearchTokenDoc[]> {
  const { first, end } = driver;
  const order = isBackwards ? -1 : 1;
  const beyond = isBackwards ? '$lt' : '$gt';
  // Each part is one index range; after a position: the rest of its token, then the tokens beyond it.
  const partsAfter = (position: Position | null): Filter[] => {
    if (!position) return [rangeOf(driver)];
    const sameToken = { token: position.token, persona: { [beyond]: position.persona } };
    if (end === null) return [sameToken];
    return [sameToken, { token: isBackwards ? { $gte: first, $lt: position.token } : { $gt: position.token, $lt: end } }];
  };
  let position = from;
  let batch = firstBatch;
  for (;;) {
    const rows: SearchTokenDoc[] = [];
    for (const part of partsAfter(position)) {
      rows.push(
        ...(await tokensCollection(store).find(
          { organisation, ...part },
          {
            sort: { organisation: order, token: order, persona: order },
            limit: batch - rows.length,
            projection: { token: 1, persona: 1 },
            hint: TOKEN_ORDER,
          },
        )),
      );
      if (rows.length === batch) break;
    }
    if (rows.length > 0) yield rows;
    if (rows.length < batch) return;
    const last = rows.at(-1)!;
    position = { token: last.token, persona: last.persona };
    batch = Math.min(MAX_BATCH, batch * 4);
  }
}

/** The personas among `ids` that the list's filter and every term match now, with their documents. */
async function liveMatches(
  store: Store,
  scope: Filter,
  filter: Filter,
  ids: ObjectId[],
  terms: SearchTerms,
  full: boolean,
): Promise<Map<string, { persona: PersonaDoc; tokens: string[] }>> {
  const organisation = scope.organisation as ObjectId;
  const personaFilter: Filter = { ...scope, _id: { $in: ids }, ...(Object.keys(filter).length > 0 ? { $and: [filter] } : {}) };
  const personas = await store.collection<PersonaDoc>(COLLECTIONS.personas).find(personaFilter, {
    ...BY_ID,
    ...(full ? {} : { projection: { _id: 1, name: 1, 'profile.tagline': 1 } }),
  });
  const found = new Map<string, { persona: PersonaDoc; tokens: string[] }>();
  if (personas.length === 0) return found;
  const identifiers = await store
    .collection<IdentifierDoc>(COLLECTIONS.identifiers)
    .find({ organisation, persona: { $in: personas.map((persona) => persona._id) } }, { projection: { persona: 1, ifi: 1 } });
  const ifis = new Map<string, IdentifierDoc['ifi'][]>();
  for (const identifier of identifiers) {
    const hex = identifier.persona.toHexString();
    ifis.set(hex, [...(ifis.get(hex) ?? []), identifier.ifi]);
  }
  for (const persona of personas) {
    const hex = persona._id.toHexString();
    const tokens = tokensOf({ name: persona.name, tagline: persona.profile?.tagline, identifiers: ifis.get(hex) ?? [] });
    if (matchesTerms(tokens, terms)) found.set(hex, { persona, tokens });
  }
  return found;
}

/** The entry a persona is shown at: for a prefix walk, its first token in the range (so it is shown once). */
function isShownAt(entry: SearchTokenDoc, tokens: string[], driver: Driver): boolean {
  if (driver.end === null) return true;
  let first: string | null = null;
  for (const token of tokens) if (token.startsWith(driver.first) && (first === null || token < first)) first = token;
  return first === entry.token;
}

export interface SearchPageRequest {
  store: Store;
  scope: Filter;
  filter: Filter;
  query: ListQuery;
  terms: SearchTerms;
  codec: CursorCodec;
  digest: string;
}

export async function searchPage(request: SearchPageRequest): Promise<Page<PersonaDoc>> {
  const { store, scope, filter, query, terms, codec, digest } = request;
  const cursorText = query.after ?? query.before;
  const isBackwards = query.before !== null;
  const organisation = scope.organisation as ObjectId;
  let from: Position | null = null;
  let driverIndex: number;
  if (cursorText !== null) {
    const position = codec.decode(cursorText, digest);
    const token = position.get('token');
    const persona = position.get('persona');
    const term = position.get('term');
    if (typeof token !== 'string' || !persona || typeof persona !== 'object' || typeof term !== 'number' || !driverAt(terms, term))
      throw apiError('query.invalid_cursor');
    from = { token, persona: persona as ObjectId };
    driverIndex = term;
  } else driverIndex = await chooseDriver(store, organisation, terms);
  const driver = driverAt(terms, driverIndex)!;
  const wanted = query.limit + 1;
  let toSkip = cursorText === null ? query.offset : 0;
  const shown: Array<{ entry: SearchTokenDoc; persona: PersonaDoc }> = [];
  walk: for await (const entries of walkEntries(store, organisation, driver, from, isBackwards, Math.max(wanted * 2, 50))) {
    const live = await liveMatches(
      store,
      scope,
      filter,
      entries.map((entry) => entry.persona),
      terms,
      true,
    );
    for (const entry of entries) {
      const match = live.get(entry.persona.toHexString());
      if (!match || !isShownAt(entry, match.tokens, driver)) continue;
      if (toSkip > 0) {
        toSkip -= 1;
        continue;
      }
      shown.push({ entry, persona: match.persona });
      if (shown.length === wanted) break walk;
    }
  }
  const hasExtra = shown.length > query.limit;
  const items = shown.slice(0, query.limit);
  if (isBackwards) items.reverse();
  const encode = (item: { entry: SearchTokenDoc } | undefined) =>
    item ? codec.encode({ term: driverIndex, token: item.entry.token, persona: item.entry.persona }, digest) : null;
  const hasNext = isBackwards ? items.length > 0 : hasExtra;
  const hasPrevious = isBackwards ? hasExtra : cursorText !== null || query.offset > 0;
  return {
    items: items.map((item) => item.persona),
    page: {
      limit: query.limit,
      offset: cursorText === null ? query.offset : 0,
      nextCursor: hasNext ? encode(items.at(-1)) : null,
      prevCursor: hasPrevious ? encode(items[0]) : null,
    },
  };
}

/** Every persona the search matches (for `sort=` and counts): a 400 past `max`, narrow the search or drop `sort=`. */
export async function searchMatchIds(store: Store, scope: Filter, terms: SearchTerms, max: number): Promise<ObjectId[]> {
  const candidates = new Map<string, ObjectId>();
  const organisation = scope.organisation as ObjectId;
  const driver = driverAt(terms, await chooseDriver(store, organisation, terms))!;
  for await (const entries of walkEntries(store, organisation, driver, null, false, MAX_BATCH)) {
    for (const entry of entries) candidates.set(entry.persona.toHexString(), entry.persona);
    if (candidates.size > max) {
      throw apiError('query.invalid_filter', {
        parameter: 'search',
        reason: `more than ${max} people match; narrow the search, or leave out sort= to page through them in match order`,
      });
    }
  }
  const ids: ObjectId[] = [];
  const all = [...candidates.values()];
  for (let start = 0; start < all.length; start += MAX_BATCH) {
    const live = await liveMatches(store, scope, {}, all.slice(start, start + MAX_BATCH), terms, false);
    for (const { persona } of live.values()) ids.push(persona._id);
  }
  return ids;
}
