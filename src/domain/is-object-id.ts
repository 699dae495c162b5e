// Recognises a BSON ObjectId whichever copy of the bson library made it. The app imports bson as ESM while the
// MongoDB driver require()s bson's CommonJS build: two ObjectId classes, so `instanceof ObjectId` is false for every
// id read through MongoDB. Both builds mark their values with `_bsontype`, which is what bson itself checks.
import type { ObjectId } from 'bson';

export function isObjectId(value: unknown): value is ObjectId {
  return typeof value === 'object' && value !== null && (value as { _bsontype?: unknown })._bsontype === 'ObjectId';
}
