// Fast path of a single-document update or upsert whose filter is nothing but scalar equalities that name every
// field of a unique index (or the `_id`): the resolver's bulk upserts. One key lookup replaces the planner and
// mingo's filter; an upsert builds its document directly; a `$setOnInsert`-only update of an existing document
// writes nothing and does not even decode it. Any other shape returns null and takes the general path.
import { ObjectId } from 'bson';
import type { Document, Filter, Update } from '../port.ts';
import { decodeDocument } from './codec.ts';
import { immutableIdError } from './errors.ts';
import type { IndexDefinition } from './index-entries.ts';
import { encodeValue, KeyWriter, writeValue } from './index-keys.ts';
import { indexPrefix } from './index-entries.ts';
import { compileMatcher } from './query-executor.ts';
import { isScalar } from './simple-filter.ts';
import { applyUpdate, validateUpdate } from './update-document.ts';
import { upsertDocument } from './upsert.ts';
import type { CollectionContext, UpdateOutcome, UpdateRequest } from './write-operations.ts';

interface KeyedMatch {
  idBytes: Buffer;
  raw: Buffer;
}

const keyWriter = new KeyWriter();

/** The outcome, or null when the request is not a keyed single-document update. */
export function updateByKey(context: CollectionContext, request: UpdateRequest): UpdateOutcome | null {
  const { filter, update } = request;
  if (!update || request.replacement || request.isMulti || request.sort || request.returnsDocuments) return null;
  const paths = Object.keys(filter);
  if (paths.length === 0 || !paths.every((path) => !path.startsWith('$') && isScalar(filter[path]))) return null;
  const lookup = lookUp(context, filter, paths);
  if (lookup === null) return null;
  validateUpdate(update);
  const outcome: UpdateOutcome = { matchedCount: 0, modifiedCount: 0, upsertedId: null, before: null, after: null };
  const match = lookup.match && matchesResidual(lookup.match, filter, lookup.residual) ? lookup.match : null;
  if (match) {
    outcome.matchedCount = 1;
    if (isInsertOnly(update)) return outcome;
    const before = decodeDocument(match.raw);
    const after = decodeDocument(match.raw);
    const isModified = applyUpdate(after, update, false);
    if (!encodeValue(after._id).equals(match.idBytes)) throw immutableIdError();
    if (isModified) {
      context.writer.replace(before, after, match.idBytes);
      outcome.modifiedCount = 1;
    }
    return outcome;
  }
  if (!request.upsert) return outcome;
  const { document, hasFreshId } = buildInserted(filter, paths, update);
  // The `_id` was looked up in this transaction and not found, or generated just now: no need to check it again.
  context.writer.insert(document, { hasFreshId: hasFreshId || lookup.absentId === true, provenAbsent: lookup.absentKey });
  outcome.upsertedId = document._id;
  return outcome;
}

/** The stored document under the filter's key (or none); null when no unique key is named by the filter. */
interface Lookup {
  match: KeyedMatch | null;
  /** Filter paths the key does not prove. */
  residual: string[];
  /** The unique index entry key looked up and not found (an insert need not check it again). */
  absentKey?: Buffer;
  /** The filter's `_id` was looked up and not found. */
  absentId?: boolean;
}

function lookUp(context: CollectionContext, filter: Filter, paths: string[]): Lookup | null {
  const { environment, collectionPrefix } = context.source;
  if (paths.includes('_id')) {
    const idBytes = encodeValue(filter._id);
    keyWriter.length = 0;
    keyWriter.raw(collectionPrefix);
    keyWriter.raw(idBytes);
    const raw = environment.documents.get(keyWriter.view());
    return { match: raw ? { idBytes, raw } : null, residual: paths.filter((path) => path !== '_id'), absentId: !raw };
  }
  const index = context.indexes.find(
    (candidate) => candidate.unique && !candidate.sparse && Object.keys(candidate.key).every((path) => paths.includes(path)),
  );
  if (!index) return null;
  const key = uniqueKey(index, filter);
  const idBytes = environment.indexes.get(key);
  const raw = idBytes ? environment.documents.get(Buffer.concat([collectionPrefix, idBytes])) : undefined;
  const residual = paths.filter((path) => !(path in index.key));
  return idBytes && raw ? { match: { idBytes, raw }, residual } : { match: null, residual, absentKey: idBytes ? undefined : key };
}

function uniqueKey(index: IndexDefinition, filter: Filter): Buffer {
  keyWriter.length = 0;
  keyWriter.raw(indexPrefix(index.id));
  for (const [path, direction] of Object.entries(index.key)) writeValue(keyWriter, filter[path], direction);
  return keyWriter.toBuffer();
}

function matchesResidual(match: KeyedMatch, filter: Filter, residual: string[]): boolean {
  if (residual.length === 0) return true;
  const rest: Filter = {};
  for (const path of residual) rest[path] = filter[path];
  return compileMatcher(rest)!(decodeDocument(match.raw));
}

const isInsertOnly = (update: Update): boolean => {
  for (const operator in update) if (operator !== '$setOnInsert') return false;
  return true;
};

const isPlainField = (path: string): boolean => !path.includes('.') && !path.startsWith('$');

/**
 * MongoDB's upsert document: `_id` first, the filter's equality fields, then `$setOnInsert` and `$set`. Built by
 * assignment when every path is a plain top-level field; otherwise by the general rules (nested paths, operators).
 */
function buildInserted(filter: Filter, paths: string[], update: Update): { document: Document; hasFreshId: boolean } {
  const operators = Object.keys(update);
  const isPlain =
    paths.every(isPlainField) &&
    operators.every(
      (operator) => (operator === '$setOnInsert' || operator === '$set') && Object.keys(update[operator] ?? {}).every(isPlainField),
    );
  if (!isPlain) return { document: upsertDocument(filter, update), hasFreshId: false };
  const document: Document = { _id: undefined };
  for (const path of paths) document[path] = filter[path];
  Object.assign(document, update.$setOnInsert, update.$set);
  const hasFreshId = document._id === undefined;
  if (hasFreshId) document._id = new ObjectId();
  return { document, hasFreshId };
}
