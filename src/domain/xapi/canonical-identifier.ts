// The one comparison rule for identifiers (xapi-agents.md section 6): lookups, the unique index and mbox ↔ sha1
// links all go through `canonicalIdentifierKey`, so two spellings of one address can never become two identifiers.
// Stored values keep what was first received (mbox), except account (fixed key order) and sha1 (lower-case).
import { createHash } from 'node:crypto';
import type { Ifi } from '../model.ts';

/** `<key>|<canonical value>`, e.g. `mbox|mailto:Alice@example.org`, `account|["https://lms.example","u42"]`. */
export function canonicalIdentifierKey(ifi: Ifi): string {
  switch (ifi.key) {
    case 'mbox':
      return `mbox|${canonicalMbox(ifi.value)}`;
    case 'mbox_sha1sum':
      return `mbox_sha1sum|${ifi.value.toLowerCase()}`;
    case 'openid':
      return `openid|${ifi.value}`;
    case 'account':
      // An array, not the object: JSON key order of the received account must never matter.
      return `account|${JSON.stringify([ifi.value.homePage, ifi.value.name])}`;
  }
}

/**
 * Scheme and domain lower-cased, local part unchanged: `MAILTO:Alice@Example.ORG` → `mailto:Alice@example.org`.
 * The local part is case-sensitive in principle (RFC 5321), so it is never folded.
 */
export function canonicalMbox(mbox: string): string {
  const colon = mbox.indexOf(':');
  const at = mbox.lastIndexOf('@');
  if (colon < 0) return mbox;
  const scheme = mbox.slice(0, colon + 1).toLowerCase();
  if (at <= colon) return scheme + mbox.slice(colon + 1);
  return scheme + mbox.slice(colon + 1, at + 1) + mbox.slice(at + 1).toLowerCase();
}

/**
 * Lower-case SHA-1 hex of an mbox IRI as received and of its canonical form (canonical first, no duplicates): an
 * `mbox_sha1sum` computed by a client over either spelling links to the same person.
 */
export function mboxSha1sums(mbox: string): string[] {
  const canonical = canonicalMbox(mbox);
  const canonicalSum = sha1Hex(canonical);
  if (canonical === mbox) return [canonicalSum];
  const exactSum = sha1Hex(mbox);
  return exactSum === canonicalSum ? [canonicalSum] : [canonicalSum, exactSum];
}

function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/**
 * The single IFI of an Agent or identified Group that passed validation, in stored form: account re-ordered to
 * `{homePage, name}` (extra keys dropped), sha1 lower-cased, mbox and openid as received.
 */
export function toStoredIfi(agentLike: Record<string, unknown>): Ifi {
  if (typeof agentLike.mbox === 'string') return { key: 'mbox', value: agentLike.mbox };
  if (typeof agentLike.mbox_sha1sum === 'string') {
    return { key: 'mbox_sha1sum', value: agentLike.mbox_sha1sum.toLowerCase() };
  }
  if (typeof agentLike.openid === 'string') return { key: 'openid', value: agentLike.openid };
  const account = agentLike.account as { homePage?: unknown; name?: unknown } | undefined;
  if (
    account !== undefined &&
    typeof account === 'object' &&
    account !== null &&
    typeof account.homePage === 'string' &&
    typeof account.name === 'string'
  ) {
    return { key: 'account', value: { homePage: account.homePage, name: account.name } };
  }
  throw new TypeError('toStoredIfi: the agent has no valid inverse functional identifier (validate it first)');
}

/** Whether an Agent or Group carries an IFI at all (an anonymous Group does not). */
export function hasIfi(agentLike: Record<string, unknown>): boolean {
  return (
    agentLike.mbox !== undefined ||
    agentLike.mbox_sha1sum !== undefined ||
    agentLike.openid !== undefined ||
    agentLike.account !== undefined
  );
}
