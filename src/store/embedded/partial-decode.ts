// Decodes only some top-level fields of a stored document: walks the msgpack map, skipping the bytes of every value
// it does not need (no object built for them), and decodes the wanted values alone. A find whose filter, sort and
// projection name few top-level fields (the resolver's point reads) pays for those fields, not the whole document.
import { ObjectId } from 'bson';
import { decodeDocument, OBJECT_ID_EXTENSION } from './codec.ts';
import type { Document } from '../port.ts';

export type PartialDecoder = (bytes: Uint8Array) => Document;

/** A decoder keeping only `fields` (top-level names), in document order; unknown layouts fall back to a full decode. */
export function compilePartialDecoder(fields: Iterable<string>): PartialDecoder {
  const wanted = [...new Set(fields)].map((name) => ({ name, bytes: Buffer.from(name, 'utf8') }));
  return (bytes) => {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    return decodeFields(buffer, wanted) ?? pick(decodeDocument(buffer), wanted);
  };
}

function pick(document: Document, wanted: Array<{ name: string }>): Document {
  const out: Document = {};
  for (const key of Object.keys(document)) if (wanted.some((field) => field.name === key)) out[key] = document[key];
  return out;
}

/** null when the bytes are not a map with string keys (then the caller decodes the whole document). */
function decodeFields(bytes: Buffer, wanted: Array<{ name: string; bytes: Buffer }>): Document | null {
  let position: number;
  let count: number;
  const head = bytes[0];
  if (head >= 0x80 && head <= 0x8f) {
    count = head & 0x0f;
    position = 1;
  } else if (head === 0xde) {
    count = bytes.readUInt16BE(1);
    position = 3;
  } else if (head === 0xdf) {
    count = bytes.readUInt32BE(1);
    position = 5;
  } else return null;
  const out: Document = {};
  let found = 0;
  for (let entry = 0; entry < count && found < wanted.length; entry += 1) {
    if (!stringAt(bytes, position)) return null;
    const keyStart = text.start;
    const valueStart = text.end;
    const valueEnd = skip(bytes, valueStart);
    const field = fieldNamed(wanted, bytes, keyStart, valueStart);
    if (field) {
      out[field.name] = decodeValue(bytes, valueStart, valueEnd);
      found += 1;
    }
    position = valueEnd;
  }
  return out;
}

/** Field names are a few bytes long: a plain loop beats a native compare call per key. */
function fieldNamed(
  wanted: Array<{ name: string; bytes: Buffer }>,
  bytes: Buffer,
  start: number,
  end: number,
): { name: string } | undefined {
  const length = end - start;
  for (const field of wanted) {
    if (field.bytes.length !== length) continue;
    let offset = 0;
    while (offset < length && field.bytes[offset] === bytes[start + offset]) offset += 1;
    if (offset === length) return field;
  }
  return undefined;
}

// Where the last string found by stringAt lies (no object per call: this runs for every field of every document).
const text = { start: 0, end: 0 };

function stringAt(bytes: Buffer, position: number): boolean {
  const head = bytes[position];
  let length: number;
  let start: number;
  if (head >= 0xa0 && head <= 0xbf) {
    length = head & 0x1f;
    start = position + 1;
  } else if (head === 0xd9) {
    length = bytes[position + 1];
    start = position + 2;
  } else if (head === 0xda) {
    length = bytes.readUInt16BE(position + 1);
    start = position + 3;
  } else if (head === 0xdb) {
    length = bytes.readUInt32BE(position + 1);
    start = position + 5;
  } else return false;
  text.start = start;
  text.end = start + length;
  return true;
}

function decodeValue(bytes: Buffer, start: number, end: number): unknown {
  const head = bytes[start];
  // The two shapes the hot fields have: an ObjectId (ext8, 12 bytes) and a string; everything else via msgpackr.
  if (head === 0xc7 && bytes[start + 1] === 12 && bytes[start + 2] === OBJECT_ID_EXTENSION) {
    return new ObjectId(Uint8Array.prototype.slice.call(bytes, start + 3, start + 15));
  }
  if (stringAt(bytes, start)) return bytes.toString('utf8', text.start, text.end);
  return decodeDocument(bytes.subarray(start, end));
}

/** The position right after the msgpack value starting at `position`. */
function skip(bytes: Buffer, position: number): number {
  const head = bytes[position];
  if (head <= 0x7f || head >= 0xe0) return position + 1;
  if (head <= 0x8f) return skipItems(bytes, position + 1, (head & 0x0f) * 2);
  if (head <= 0x9f) return skipItems(bytes, position + 1, head & 0x0f);
  if (head <= 0xbf) return position + 1 + (head & 0x1f);
  switch (head) {
    case 0xc0:
    case 0xc1:
    case 0xc2:
    case 0xc3:
      return position + 1;
    case 0xc4:
    case 0xd9:
      return position + 2 + bytes[position + 1];
    case 0xc5:
    case 0xda:
      return position + 3 + bytes.readUInt16BE(position + 1);
    case 0xc6:
    case 0xdb:
      return position + 5 + bytes.readUInt32BE(position + 1);
    case 0xc7:
      return position + 3 + bytes[position + 1];
    case 0xc8:
      return position + 4 + bytes.readUInt16BE(position + 1);
    case 0xc9:
      return position + 6 + bytes.readUInt32BE(position + 1);
    case 0xca:
      return position + 5;
    case 0xcb:
      return position + 9;
    case 0xcc:
    case 0xd0:
      return position + 2;
    case 0xcd:
    case 0xd1:
      return position + 3;
    case 0xce:
    case 0xd2:
      return position + 5;
    case 0xcf:
    case 0xd3:
      return position + 9;
    case 0xd4:
      return position + 3;
    case 0xd5:
      return position + 4;
    case 0xd6:
      return position + 6;
    case 0xd7:
      return position + 10;
    case 0xd8:
      return position + 18;
    case 0xdc:
      return skipItems(bytes, position + 3, bytes.readUInt16BE(position + 1));
    case 0xdd:
      return skipItems(bytes, position + 5, bytes.readUInt32BE(position + 1));
    case 0xde:
      return skipItems(bytes, position + 3, bytes.readUInt16BE(position + 1) * 2);
    case 0xdf:
      return skipItems(bytes, position + 5, bytes.readUInt32BE(position + 1) * 2);
    default:
      throw new Error(`unexpected msgpack byte 0x${head.toString(16)}`);
  }
}

function skipItems(bytes: Buffer, position: number, count: number): number {
  let next = position;
  for (let item = 0; item < count; item += 1) next = skip(bytes, next);
  return next;
}
