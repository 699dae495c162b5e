// Document encoding for LMDB values: msgpack with an extension for bson's ObjectId (its 12 bytes), so ObjectId
// and Date (msgpack timestamp) come back as the same classes the driver returns. Key order is preserved.
import { ObjectId } from 'bson';
import { addExtension, Packr } from 'msgpackr';
import { isObjectId } from '../../domain/is-object-id.ts';
import type { Document } from '../port.ts';

/** msgpack extension type of an ObjectId (its 12 bytes); partial-decode.ts reads it without msgpackr. */
export const OBJECT_ID_EXTENSION = 0x42;

// msgpackr picks an extension by `instanceof`, and more than one ObjectId class meets this codec: the MongoDB driver's
// come from bson's CommonJS build (LL migration, write-back), the service's from its ESM build, and a test run under
// tsx loads some modules of the service twice (CommonJS, and ESM through a lazy import). An id of a class not
// registered would be stored as its JSON text, so the extension matches any of them the way bson itself does, by
// `_bsontype`. All decode to the one class imported above.
class AnyObjectId {
  static [Symbol.hasInstance](value: unknown): boolean {
    return isObjectId(value);
  }
}
addExtension({
  Class: AnyObjectId as unknown as typeof ObjectId,
  type: OBJECT_ID_EXTENSION,
  pack: (id: ObjectId) => Buffer.from(id.id),
  unpack: (bytes: Buffer) => new ObjectId(Uint8Array.prototype.slice.call(bytes)),
});

// Records (shared structures) are off: every value is self-describing, so any process can decode it without a
// structure table that would have to be kept in sync between processes. copyBuffers: a decoded document never
// points into the bytes it came from, so reads may decode straight from LMDB's reused buffer (getBinaryFast).
const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true, copyBuffers: true });

export function encodeDocument(document: Document): Buffer {
  return packr.pack(document);
}

export function decodeDocument(bytes: Uint8Array): Document {
  return packr.unpack(bytes) as Document;
}
