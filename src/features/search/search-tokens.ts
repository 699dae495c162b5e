// What `search=` on GET /v1/personas matches: the words of a persona's name and profile tagline and of its
// identifier values, compared case- and accent-insensitively. Every text is folded (NFKD, combining marks removed,
// lower case), split at white space into pieces (`ada@example.org`, `jean-luc`) and each piece again into words of
// letters and digits (`ada`, `example`, `org`); pieces and words are the persona's tokens. A query's terms (split at
// white space, folded the same way) must all match a token: whole words for every term but the last, which is a
// prefix (the admin is still typing it), so `ada lov` finds Ada Lovelace and `ada@` finds ada@example.org.
import type { Ifi } from '../../domain/model.ts';

/** Longer tokens are cut here (index keys stay small; a prefix this long is as selective as the whole). */
export const MAX_TOKEN_LENGTH = 64;
/** Terms of a query past this many are ignored (each costs a look-up per candidate). */
export const MAX_QUERY_TERMS = 8;

export interface SearchableFacts {
  name?: string | null;
  tagline?: unknown;
  identifiers: Ifi[];
}

export interface SearchTerms {
  /** Terms that must equal a token. */
  words: string[];
  /** The last term: a token must start with it. */
  prefix: string;
}

/** Case and accents folded away; control characters dropped (they never separate words a person types). */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cc}\p{Cf}]/gu, '')
    .toLowerCase();
}

function addTokensOf(text: string, into: Set<string>): void {
  for (const piece of fold(text).split(/\s+/u)) {
    if (piece === '') continue;
    into.add(piece.slice(0, MAX_TOKEN_LENGTH));
    for (const word of piece.split(/[^\p{L}\p{N}]+/u)) if (word !== '') into.add(word.slice(0, MAX_TOKEN_LENGTH));
  }
}

/** The searchable text of an identifier: an address without `mailto:`, an account's name (its homePage is shared by everyone). */
function identifierText(ifi: Ifi): string {
  if (ifi.key === 'account') return ifi.value.name;
  if (ifi.key === 'mbox') return ifi.value.replace(/^mailto:/iu, '');
  return ifi.value;
}

export function tokensOf(facts: SearchableFacts): string[] {
  const tokens = new Set<string>();
  if (typeof facts.name === 'string') addTokensOf(facts.name, tokens);
  if (typeof facts.tagline === 'string') addTokensOf(facts.tagline, tokens);
  for (const ifi of facts.identifiers) {
    addTokensOf(identifierText(ifi), tokens);
    // A pasted address with its scheme finds it too.
    if (ifi.key === 'mbox') tokens.add(fold(ifi.value).slice(0, MAX_TOKEN_LENGTH));
  }
  return [...tokens];
}

/** The terms of a query, or null when it has none (only white space). */
export function termsOf(query: string): SearchTerms | null {
  const terms = [
    ...new Set(
      fold(query)
        .split(/\s+/u)
        .filter((term) => term !== '')
        .map((term) => term.slice(0, MAX_TOKEN_LENGTH)),
    ),
  ];
  if (terms.length === 0) return null;
  const kept = terms.slice(-MAX_QUERY_TERMS);
  return { words: kept.slice(0, -1), prefix: kept.at(-1)! };
}

export function matchesTerms(tokens: Iterable<string>, terms: SearchTerms): boolean {
  const held = new Set(tokens);
  if (!terms.words.every((word) => held.has(word))) return false;
  for (const token of held) if (token.startsWith(terms.prefix)) return true;
  return false;
}

/** The exclusive upper bound of the tokens starting with `prefix` in string order. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}
