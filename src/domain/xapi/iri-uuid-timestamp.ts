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
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?$/;
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
  if (typeof value !== 'string') return 'not_iso8601';
  const m = TIMESTAMP.exec(value);
  if (m === null) return 'not_iso8601';
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return 'not_iso8601';
  if (month === 2 && day === 29 && !isLeapYear(Number(m[1]))) return 'not_iso8601';
  if (Number(m[4]) > 23 || Number(m[5]) > 59) return 'not_iso8601';
  // 60 allows a leap second.
  if (m[6] !== undefined && Number(m[6]) > 60) return 'not_iso8601';
  const zone = m[7];
  if (zone !== undefined && zone !== 'Z') {
    const hours = Number(m[8]);
    const minutes = m[9] === undefined ? 0 : Number(m[9]);
    if (hours > 23 || minutes > 59) return 'not_iso8601';
    // RFC 3339 gives `-00:00` the meaning "offset unknown"; xAPI forbids it in all its spellings.
    if (zone[0] === '-' && hours === 0 && minutes === 0) return 'negative_zero_offset';
  }
  return null;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
