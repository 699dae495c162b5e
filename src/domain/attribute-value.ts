// Attribute values, as Learning Locker's mongoose `Mixed` (compat spec 1.3): any JSON value except null (a string,
// number, boolean, array or object), stored and returned as given. Bounded so one attribute cannot bloat a persona:
// a string at most MAX_ATTRIBUTE_VALUE_LENGTH characters, any other value at most that many characters of JSON and
// MAX_ATTRIBUTE_VALUE_DEPTH levels deep. Keys inside an object value follow MongoDB's field-name rules (no leading
// `$`, no `.`, no NUL; LL's MongoDB refused them too) and `__proto__` is refused (it would set a prototype on copy).
import { isDeepStrictEqual } from 'node:util';
import stableStringify from 'safe-stable-stringify';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type AttributeValue = Exclude<JsonValue, null>;

export const MAX_ATTRIBUTE_VALUE_LENGTH = 10_000;
export const MAX_ATTRIBUTE_VALUE_DEPTH = 20;

/** Why `value` (present and not null) cannot be an attribute value, or null when it can. */
export function attributeValueProblem(value: unknown): string | null {
  if (typeof value === 'string')
    return value.length > MAX_ATTRIBUTE_VALUE_LENGTH ? `is longer than ${MAX_ATTRIBUTE_VALUE_LENGTH} characters` : null;
  const structural = structureProblem(value, 0);
  if (structural) return structural;
  if (typeof value === 'object' && JSON.stringify(value).length > MAX_ATTRIBUTE_VALUE_LENGTH) {
    return `is longer than ${MAX_ATTRIBUTE_VALUE_LENGTH} characters as JSON`;
  }
  return null;
}

function structureProblem(value: unknown, depth: number): string | null {
  if (value === null) return depth === 0 ? 'must not be null' : null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'must be a finite number';
  if (typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value !== 'object') return 'must be a JSON value';
  if (depth >= MAX_ATTRIBUTE_VALUE_DEPTH) return `is nested deeper than ${MAX_ATTRIBUTE_VALUE_DEPTH} levels`;
  const entries = Array.isArray(value) ? value.map((item) => ['', item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    if (!Array.isArray(value) && !isStorableKey(key))
      return `has the key ${JSON.stringify(key)} (keys inside a value must not start with $, contain . or NUL, or be __proto__)`;
    const problem = structureProblem(item, depth + 1);
    if (problem) return problem;
  }
  return null;
}

function isStorableKey(key: string): boolean {
  return !key.startsWith('$') && !key.includes('.') && !key.includes('\0') && key !== '__proto__';
}

/** Deep equality of two values; object key order does not matter (two JSON texts of one object are one value). */
export function isSameAttributeValue(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

/** A text naming the value (a string is itself; anything else JSON with sorted keys), equal for equal values. */
export function attributeValueText(value: unknown): string {
  return typeof value === 'string' ? value : (stableStringify(value) ?? String(value));
}
