// Match keys: what two personas must share to be suggested as duplicates, and how much each kind of match counts.
// Pure functions. Each persona's keys are kept in an index collection (duplicate-index.ts), so finding the personas
// that share a key is an index lookup and the organisation-wide list is one walk of that index, never all pairs.
import { attributeValueText } from '../../domain/attribute-value.ts';
import { createHash } from 'node:crypto';
import type { Ifi } from '../../domain/model.ts';

export const DUPLICATE_KEYS_COLLECTION = 'personaMatchKeys';
/** Where keys were kept before (one document per key); emptied per organisation when it is next indexed, and by erasure. */
export const LEGACY_DUPLICATE_KEYS_COLLECTION = 'personaDuplicateKeys';

export type MatchReasonCode = 'mbox_sha1sum' | 'email_case_variant' | 'account_name' | 'display_name' | 'identifying_attribute';

/** Score of each reason alone; scores of several reasons combine as 1 - Π(1 - s). */
export const REASON_SCORES: Record<MatchReasonCode, number> = {
  mbox_sha1sum: 1,
  email_case_variant: 0.9,
  identifying_attribute: 0.8,
  account_name: 0.6,
  display_name: 0.4,
};

/** Keys whose match is certain: the same email address under mbox and mbox_sha1sum. */
export const CERTAIN_REASONS: ReadonlySet<MatchReasonCode> = new Set(['mbox_sha1sum']);

export interface MatchKey {
  /** `<kind>:<value>`; equal keys on two personas are a match. */
  key: string;
  /** What on this persona produced the key (shown as the reason's detail). */
  origin: string;
}

export interface PersonaFacts {
  name: string | null | undefined;
  identifiers: Ifi[];
  attributes: Array<{ key: string; value: unknown }>;
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** Lower-cased, accents removed, punctuation and runs of spaces collapsed: "  Ánn  O'Neil " → "ann o neil". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function matchKeysOf(facts: PersonaFacts, identifyingAttributes: ReadonlySet<string>): MatchKey[] {
  const keys = new Map<string, string>();
  const add = (key: string, origin: string) => {
    if (!keys.has(key)) keys.set(key, origin);
  };
  for (const ifi of facts.identifiers) {
    if (ifi.key === 'mbox') {
      const address = ifi.value.replace(/^mailto:/i, '');
      const at = address.lastIndexOf('@');
      const canonical = at < 0 ? address : `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
      // The SHA-1 over the exact received string and over the canonical form (xapi-agents.md section 6).
      add(`sha1:${sha1(ifi.value)}`, `mbox ${ifi.value}`);
      add(`sha1:${sha1(`mailto:${canonical}`)}`, `mbox ${ifi.value}`);
      add(`email:${address.toLowerCase()}`, `mbox ${ifi.value}`);
    } else if (ifi.key === 'mbox_sha1sum') {
      add(`sha1:${ifi.value.toLowerCase()}`, `mbox_sha1sum ${ifi.value.toLowerCase()}`);
    } else if (ifi.key === 'account') {
      add(`account:${ifi.value.name}`, `account ${ifi.value.name} at ${ifi.value.homePage}`);
    }
  }
  const name = facts.name ? normaliseName(facts.name) : '';
  // Short names ("a", "jo") match too many people to mean anything.
  if (name.length >= 4) add(`name:${name}`, `name ${facts.name}`);
  for (const attribute of facts.attributes) {
    if (identifyingAttributes.has(attribute.key) && attribute.value !== '' && attribute.value !== null) {
      // Objects and arrays by their content (key order aside), never as "[object Object]".
      const text = attributeValueText(attribute.value);
      add(`attribute:${attribute.key}=${text}`, `attribute ${attribute.key}=${text}`);
    }
  }
  return [...keys].map(([key, origin]) => ({ key, origin }));
}

/**
 * The reason two personas sharing `key` are suggested, given what produced the key on each side. A shared email
 * key is only a case variant when the mbox values differ (the same mbox on two personas cannot happen).
 */
export function reasonOf(key: string, originA: string, originB: string): MatchReasonCode | null {
  const kind = key.slice(0, key.indexOf(':'));
  switch (kind) {
    case 'sha1':
      return originA.startsWith('mbox ') && originB.startsWith('mbox ') ? null : 'mbox_sha1sum';
    case 'email':
      return originA === originB ? null : 'email_case_variant';
    case 'account':
      return 'account_name';
    case 'name':
      return 'display_name';
    case 'attribute':
      return 'identifying_attribute';
    default:
      return null;
  }
}

export function combineScores(reasons: MatchReasonCode[]): number {
  const remaining = reasons.reduce((product, reason) => product * (1 - REASON_SCORES[reason]), 1);
  return Math.round((1 - remaining) * 1000) / 1000;
}
