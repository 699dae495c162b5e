// Order-preserving binary encoding of index keys: comparing two encoded keys byte by byte gives MongoDB's BSON
// order (null/missing < numbers < strings < objects < arrays < binary < ObjectId < booleans < Dates < regexes).
// Every component is self-delimiting, so a key prefix addresses exactly the keys starting with those values;
// a descending component is the byte-inverse of the ascending one.
import { createHash } from 'node:crypto';
import type { ObjectId } from 'bson';
import { isObjectId } from '../../domain/is-object-id.ts';

export const TYPE_TAG = {
  null: 0x05,
  number: 0x10,
  string: 0x20,
  object: 0x30,
  array: 0x40,
  binary: 0x50,
  objectId: 0x60,
  boolean: 0x70,
  date: 0x80,
  regex: 0x90,
} as const;

/** A growable byte buffer: keys are built once per entry, so avoid intermediate arrays. */
export class KeyWriter {
  private bytes = Buffer.allocUnsafe(64);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + extra));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  raw(source: Uint8Array): void {
    this.reserve(source.length);
    this.bytes.set(source, this.length);
    this.length += source.length;
  }

  /** Bytes with 0x00 escaped as 0x00 0xFF, then a 0x00 terminator: prefix-free and order-preserving. */
  escaped(source: Uint8Array): void {
    this.reserve(source.length * 2 + 1);
    for (const byte of source) {
      this.bytes[this.length++] = byte;
      if (byte === 0) this.bytes[this.length++] = 0xff;
    }
    this.bytes[this.length++] = 0;
  }

  number(value: number): void {
    this.reserve(8);
    if (Number.isNaN(value)) {
      this.bytes.fill(0, this.length, this.length + 8); // MongoDB sorts NaN below every other number
    } else {
      this.bytes.writeDoubleBE(value === 0 ? 0 : value, this.length);
      if (value < 0) for (let i = this.length; i < this.length + 8; i += 1) this.bytes[i] ^= 0xff;
      else this.bytes[this.length] ^= 0x80;
    }
    this.length += 8;
  }

  invertFrom(start: number): void {
    for (let i = start; i < this.length; i += 1) this.bytes[i] ^= 0xff;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.length));
  }

  /** The bytes written so far without copying: valid until the next write (for keys LMDB copies at once). */
  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

export function typeTagOf(value: unknown): number {
  if (value === null || value === undefined) return TYPE_TAG.null;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return TYPE_TAG.number;
    case 'string':
      return TYPE_TAG.string;
    case 'boolean':
      return TYPE_TAG.boolean;
    default:
      break;
  }
  if (isObjectId(value)) return TYPE_TAG.objectId;
  if (value instanceof Date) return TYPE_TAG.date;
  if (Array.isArray(value)) return TYPE_TAG.array;
  if (value instanceof Uint8Array) return TYPE_TAG.binary;
  if (value instanceof RegExp) return TYPE_TAG.regex;
  if (typeof (value as { toNumber?: unknown }).toNumber === 'function') return TYPE_TAG.number; // bson Long/Double
  return TYPE_TAG.object;
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

// LMDB refuses keys over ~2 KB, and MongoDB (4.2+) indexes values of any length. A long string or binary value is
// indexed as its first LONG_VALUE_PREFIX bytes, a 0xff marker (never valid UTF-8, so it sorts after every shorter
// string with that prefix) and its SHA-256: equal values still give equal keys, so lookups and unique indexes keep
// their meaning; only the order among long values that share the prefix is by digest rather than by content.
const LONG_VALUE_BYTES = 256;
const LONG_VALUE_PREFIX = 200;

function boundedBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= LONG_VALUE_BYTES) return bytes;
  const digest = createHash('sha256').update(bytes).digest();
  return Buffer.concat([bytes.subarray(0, LONG_VALUE_PREFIX), Buffer.from([0xff]), digest]);
}

function writeBody(writer: KeyWriter, tag: number, value: any): void {
  switch (tag) {
    case TYPE_TAG.null:
      return;
    case TYPE_TAG.number:
      writer.number(typeof value === 'number' ? value : Number(typeof value === 'bigint' ? value : value.toNumber()));
      return;
    case TYPE_TAG.string:
      writer.escaped(boundedBytes(utf8(value)));
      return;
    case TYPE_TAG.boolean:
      writer.byte(value ? 1 : 0);
      return;
    case TYPE_TAG.objectId:
      writer.raw((value as ObjectId).id);
      return;
    case TYPE_TAG.date:
      writer.number((value as Date).getTime());
      return;
    case TYPE_TAG.binary:
      writer.escaped(boundedBytes(value as Uint8Array));
      return;
    case TYPE_TAG.regex:
      writer.escaped(utf8((value as RegExp).source));
      writer.escaped(utf8((value as RegExp).flags));
      return;
    case TYPE_TAG.array:
      for (const element of value as unknown[]) writeValue(writer, element);
      writer.byte(0);
      return;
    default:
      // MongoDB compares sub-documents field by field: value type, then field name, then value.
      for (const [field, fieldValue] of Object.entries(value as object)) {
        if (fieldValue === undefined) continue;
        const fieldTag = typeTagOf(fieldValue);
        writer.byte(fieldTag);
        writer.escaped(utf8(field));
        writeBody(writer, fieldTag, fieldValue);
      }
      writer.byte(0);
  }
}

export function writeValue(writer: KeyWriter, value: unknown, direction: 1 | -1 = 1): void {
  const start = writer.length;
  const tag = typeTagOf(value);
  writer.byte(tag);
  writeBody(writer, tag, value);
  if (direction === -1) writer.invertFrom(start);
}

/** The encoded form of one value as a key component. */
export function encodeValue(value: unknown, direction: 1 | -1 = 1): Buffer {
  const writer = new KeyWriter();
  writeValue(writer, value, direction);
  return writer.toBuffer();
}

/** The first key after every key that starts with `prefix` (exclusive end of a prefix range). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i -= 1) {
    if (end[i] !== 0xff) {
      end[i] += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.concat([prefix, Buffer.from([0xff, 0xff, 0xff, 0xff])]);
}

/** One byte tagging a value's type, in the component's direction: brackets a range to one BSON type. */
export function typeBracket(value: unknown, direction: 1 | -1): Buffer {
  const tag = typeTagOf(value);
  return Buffer.from([direction === 1 ? tag : tag ^ 0xff]);
}
