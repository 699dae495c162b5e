// The People view's query: read from and written to the page URL (so a view can be shared and reloaded), and turned
// into the /v1/personas list parameters. Pure: no DOM, no fetch (unit-tested in test/admin/).

export type SearchTarget = 'auto' | 'name' | 'identifier';
export type IdentifierKind = '' | 'mbox' | 'mbox_sha1sum' | 'openid' | 'account';
export const SORTS = ['name', '-name', '-createdAt', 'createdAt', '-updatedAt'] as const;
export type PeopleSort = (typeof SORTS)[number];

export interface PeopleQuery {
  text: string;
  target: SearchTarget;
  /** '' any, 'true' active only, 'false' inactive only. */
  active: '' | 'true' | 'false';
  kind: IdentifierKind;
  attributeKey: string;
  attributeValue: string;
  sort: PeopleSort;
  /** Opaque cursors of the page shown (page.nextCursor / prevCursor of the previous answer). */
  after: string;
  before: string;
}

export const DEFAULT_QUERY: PeopleQuery = {
  text: '',
  target: 'auto',
  active: '',
  kind: '',
  attributeKey: '',
  attributeValue: '',
  sort: 'name',
  after: '',
  before: '',
};

const URL_KEYS: Record<keyof PeopleQuery, string> = {
  text: 'q',
  target: 'in',
  active: 'active',
  kind: 'kind',
  attributeKey: 'attr',
  attributeValue: 'value',
  sort: 'sort',
  after: 'after',
  before: 'before',
};

const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

export function queryFromUrl(params: URLSearchParams): PeopleQuery {
  const get = (key: keyof PeopleQuery) => params.get(URL_KEYS[key]) ?? '';
  return {
    text: get('text'),
    target: oneOf(params.get('in'), ['auto', 'name', 'identifier'], 'auto'),
    active: oneOf(params.get('active'), ['', 'true', 'false'], ''),
    kind: oneOf(params.get('kind'), ['', 'mbox', 'mbox_sha1sum', 'openid', 'account'], ''),
    attributeKey: get('attributeKey'),
    attributeValue: get('attributeValue'),
    sort: oneOf(params.get('sort'), SORTS, 'name'),
    after: get('after'),
    before: get('before'),
  };
}

/** Only what differs from the defaults goes in the URL, so a plain /people stays plain. */
export function queryToUrl(query: PeopleQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of Object.keys(URL_KEYS) as Array<keyof PeopleQuery>) {
    if (query[key] !== DEFAULT_QUERY[key]) params.set(URL_KEYS[key], query[key]);
  }
  return params;
}

/** Any change of what is searched starts again from the first page (cursors belong to one query). */
export function withChange(query: PeopleQuery, change: Partial<PeopleQuery>): PeopleQuery {
  return { ...query, after: '', before: '', ...change };
}

/**
 * What the typed text is: an address, IRI, account or SHA-1 is searched among identifiers, anything else among
 * names. A person types "ada" for a name and "ada@example.org" or "https://…" for an identifier.
 */
export function searchTargetOf(text: string, target: SearchTarget): 'name' | 'identifier' {
  if (target !== 'auto') return target;
  const trimmed = text.trim();
  if (/[@:/]/.test(trimmed) || /^[0-9a-f]{40}$/i.test(trimmed)) return 'identifier';
  return 'name';
}

/**
 * The /v1/personas (and /v1/personas/count) parameters of a query. Left to itself (`auto`), the text goes to
 * `search=`: words of names and identifier values, the last one a prefix, served by the service's token index at
 * any size; results then come in match order unless another sort than the default was chosen (a sorted search needs
 * the whole match set). Told `name` or `identifier`, it is a substring of that field (`.like`, a scan). Identifier
 * values are stored in canonical form (mbox as mailto:, lower-case domain).
 */
export function listParameters(query: PeopleQuery, limit = 20): Record<string, string> {
  const params: Record<string, string> = {};
  const text = query.text.trim();
  const isWordSearch = text !== '' && query.target === 'auto';
  if (isWordSearch) params.search = text;
  else if (text) {
    if (searchTargetOf(text, query.target) === 'identifier') params['search.identifier.value.like'] = text;
    else params['search.name.like'] = text;
  }
  if (query.active) params['search.active.eq'] = query.active;
  if (query.kind) params['search.identifier.key.eq'] = query.kind;
  const key = query.attributeKey.trim();
  if (key) {
    if (query.attributeValue.trim()) params[`search.attribute.${key}.eq`] = query.attributeValue.trim();
    else params[`search.attribute.${key}.exists`] = 'true';
  }
  const isMatchOrder = isWordSearch && query.sort === DEFAULT_QUERY.sort;
  return {
    ...params,
    ...(isMatchOrder ? {} : { sort: query.sort }),
    limit: String(limit),
    include: 'identifiers',
    ...(query.after ? { after: query.after } : {}),
    ...(query.before ? { before: query.before } : {}),
  };
}

/** The count takes the same filters, without paging, sorting or embeds. */
export function countParameters(query: PeopleQuery): Record<string, string> {
  const { sort: _sort = '', limit: _limit, include: _include, after: _after, before: _before, ...filters } = listParameters(query);
  return filters;
}
