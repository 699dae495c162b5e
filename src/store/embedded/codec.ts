// Document encoding for LMDB values: msgpack with an extension for bson's ObjectId (its 12 bytes), so ObjectId
// and Date (msgpack timestamp) come back as the same classes the driver returns. Key order is preserved.
import { createRequire } from 'node:module';
import { ObjectId } from 'bson';
import { addExtension, Packr } from 'msgpackr';
import type { Document } from '../port.ts';

/** msgpack extension type of an ObjectId (its 12 bytes); partial-decode.ts reads it without msgpackr. */
export const OBJECT_ID_EXTENSION = 0x42;

// msgpackr picks an extension by `instanceof`, and the MongoDB driver's ObjectIds come from bson's CommonJS build,
// another class than this ESM import: without the second registration an id read through the driver (LL migration,
// write-back) would be stored as its JSON text. Both decode to the one class below.
const DriverObjectId = createRequire(import.meta.url)('bson').ObjectId as typeof ObjectId;
for (const Class of new Set([ObjectId, DriverObjectId])) {
  addExtension({
    Class,
    type: OBJECT_ID_EXTENSION,
    pack: (id: ObjectId) => Buffer.from(id.id),
    unpack: (bytes: Buffer) => new ObjectId(Uint8Array.prototype.slice.call(bytes)),
  });
}

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
