// Opaque, tamper-evident list cursors: base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, payload)).
// The payload holds the position (the sort-key values and `_id` of the row the page ended or started on) and a digest
// of the query it belongs to (organisation, filters, sort), so a forged cursor, an edited one, or one replayed on
// another query or organisation is 400 `query.invalid_cursor` — never a 500 or another organisation's rows.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ObjectId } from 'bson';
import { apiError } from '../errors/api-error.ts';
import { isObjectIdText } from '../../domain/object-id-text.ts';
import { isObjectId } from '../../domain/is-object-id.ts';

export interface CursorCodec {
  encode(position: Record<string, unknown>, queryDigest: string): string;
  /** The position, or throws 400 query.invalid_cursor. */
  decode(cursor: string, queryDigest: string): Map<string, unknown>;
}

function toJsonValue(value: unknown): unknown {
  if (isObjectId(value)) return { $oid: value.toHexString() };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value === undefined) return null;
  return value;
}

function fromJsonValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    if (isObjectIdText(object.$oid)) return new ObjectId(object.$oid);
    if (typeof object.$date === 'string') {
      const date = new Date(object.$date);
      if (!Number.isNaN(date.getTime())) return date;
    }
  }
  return value;
}

/** A digest naming one query: anything that changes the result order or set must be in `parts`. */
export function queryDigest(parts: unknown): string {
  const text = JSON.stringify(parts, (_key, value) => (value instanceof RegExp ? String(value) : value));
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

export function createCursorCodec(secret: Buffer): CursorCodec {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest();
  return {
    encode(position, digest) {
      const keys = Object.keys(position);
      const payload = Buffer.from(JSON.stringify({ q: digest, k: keys, v: keys.map((key) => toJsonValue(position[key])) })).toString(
        'base64url',
      );
      return `${payload}.${sign(payload).toString('base64url')}`;
    },
    decode(cursor, digest) {
      const invalid = () => apiError('query.invalid_cursor');
      const [payload, signature, ...rest] = cursor.split('.');
      if (!payload || !signature || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(payload + signature)) throw invalid();
      // Only canonical base64url: other spellings of the same bytes (unused trailing bits) are not this cursor.
      if (
        Buffer.from(payload, 'base64url').toString('base64url') !== payload ||
        Buffer.from(signature, 'base64url').toString('base64url') !== signature
      )
        throw invalid();
      const expected = sign(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      let decoded: { q?: unknown; k?: unknown; v?: unknown };
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw invalid();
      }
      if (decoded.q !== digest || !Array.isArray(decoded.k) || !Array.isArray(decoded.v) || decoded.k.length !== decoded.v.length)
        throw invalid();
      return new Map(decoded.k.map((key, index) => [String(key), fromJsonValue((decoded.v as unknown[])[index])]));
    },
  };
}
