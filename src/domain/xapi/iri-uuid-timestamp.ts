// Value formats of xapi-agents.md sections 1 and 4: IRIs, mailto addresses, SHA-1 hex, UUIDs, ISO 8601 timestamps and
// versions. Every pattern is compiled once at module load; the checks are pure and allocation-free on the happy path.
// Section 5 leniencies live here too: any UUID version/variant, zone-less timestamps, `+0000`/`+00` offsets.

/** Scheme `[A-Za-z][A-Za-z0-9+.-]*`, `:`, then at least one character; no whitespace anywhere. */
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
/** `mailto:` (any case, see the canonical form in section 6) then `local@domain`, one `@`, no whitespace. */
const MAILTO_ADDRESS = /^mailto:[^\s@]+@[^\s@]+$/i;
const MAILTO_PREFIX = /^mailto:/i;
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;
/** 8-4-4-4-12 hexadecimal, any case, any version or variant (section 5). */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** `YYYY-MM-DDThh:mm[:ss[.fraction]]` then an optional zone `Z`, `±hh:mm`, `±hhmm` or `±hh`. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;
/** `1.0`, `1.0.x` or `2.0.x`. */
const VERSION = /^(?:1\.0(?:\.\d+)?|2\.0\.\d+)$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** An absolute IRI (also the test for `openid`, `account.homePage`, verb and activity ids, `relevantTypes`). */
export function isAbsoluteIri(value: unknown): value is string {
  return typeof value === 'string' && ABSOLUTE_IRI.test(value);
}

export function hasMailtoPrefix(value: string): boolean {
  return MAILTO_PREFIX.test(value);
}

/** An address as an mbox IRI: `mailto:` added unless it is there already (in any case), as LL and CSV imports take it. */
export function withMailto(value: string): string {
  return hasMailtoPrefix(value) ? value : `mailto:${value}`;
}

/** A `mailto:` IRI of an email address (unusual but well-formed ones such as `mailto:mailto:s@s.com` pass). */
export function isMailtoAddress(value: string): boolean {
  return MAILTO_ADDRESS.test(value);
}

export function isSha1Hex(value: string): boolean {
  return SHA1_HEX.test(value);
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function isXapiVersion(value: unknown): value is string {
  return typeof value === 'string' && VERSION.test(value);
}

export type TimestampProblem = 'not_iso8601' | 'negative_zero_offset';

/** Why a value is not an acceptable xAPI timestamp, or null when it is one. Field ranges are checked too. */
export function timestampProblem(value: unknown): TimestampProblem | null {
  if (typeof value !== 'string' || !TIMESTAMP.test(value)) return 'not_iso8601';
  // The pattern fixed every field's position, so read digits in place (no match array, no Number()).
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return 'not_iso8601';
  if (month === 2 && day === 29 && !isLeapYear(twoDigits(value, 0) * 100 + twoDigits(value, 2))) return 'not_iso8601';
  if (twoDigits(value, 11) > 23 || twoDigits(value, 14) > 59) return 'not_iso8601';
  let i = 16;
  if (value.charCodeAt(i) === COLON) {
    // 60 allows a leap second.
    if (twoDigits(value, 17) > 60) return 'not_iso8601';
    i = 19;
    if (value.charCodeAt(i) === DOT) {
      i++;
      while (isDigit(value.charCodeAt(i))) i++;
    }
  }
  if (i === value.length || value.charCodeAt(i) === Z) return null;
  const hours = twoDigits(value, i + 1);
  const minutesAt = value.charCodeAt(i + 3) === COLON ? i + 4 : i + 3;
  const minutes = minutesAt < value.length ? twoDigits(value, minutesAt) : 0;
  if (hours > 23 || minutes > 59) return 'not_iso8601';
  // RFC 3339 gives `-00:00` the meaning "offset unknown"; xAPI forbids it in all its spellings.
  if (value.charCodeAt(i) === MINUS && hours === 0 && minutes === 0) return 'negative_zero_offset';
  return null;
}

const COLON = 58;
const DOT = 46;
const MINUS = 45;
const Z = 90;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
