// The document an upsert inserts when nothing matches, by MongoDB's rules: the filter's equality fields (dotted
// paths become nested fields; `$and` clauses count; `$eq` counts), then the update's operators with
// `$setOnInsert` applied, and an ObjectId `_id` when neither gave one. `_id` comes first, as in MongoDB.
import { ObjectId } from 'bson';
import type { Document, Filter, Update } from '../port.ts';
import { applyUpdate } from './update-document.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

export function upsertDocument(filter: Filter, update: Update): Document {
  const seed: Document = {};
  collectEqualities(filter, seed);
  // An inserted document may take its `_id` from `$setOnInsert`/`$set` (MongoDB allows it; mingo refuses any `_id` path).
  const given = update.$setOnInsert?._id ?? update.$set?._id;
  if (given !== undefined) seed._id = given;
  applyUpdate(seed, withoutId(update), true);
  return withId(seed);
}

function withoutId(update: Update): Update {
  if (update.$setOnInsert?._id === undefined && update.$set?._id === undefined) return update;
  const stripped: Update = { ...update };
  for (const operator of ['$setOnInsert', '$set']) {
    if (stripped[operator]?._id === undefined) continue;
    const { _id: _ignored, ...fields } = stripped[operator];
    stripped[operator] = fields;
  }
  return stripped;
}

/** replaceOne with upsert: the replacement, with the filter's `_id` when it names one. */
export function upsertReplacement(filter: Filter, replacement: Document): Document {
  const seed: Document = {};
  collectEqualities(filter, seed);
  const { _id, ...rest } = replacement;
  return withId({ _id: _id ?? seed._id, ...rest });
}

function withId(document: Document): Document {
  const { _id, ...rest } = document;
  return { _id: _id ?? new ObjectId(), ...rest };
}

function collectEqualities(filter: Filter, target: Document): void {
  for (const [path, expression] of Object.entries(filter)) {
    if (path === '$and' && Array.isArray(expression)) {
      for (const clause of expression) if (isPlainObject(clause)) collectEqualities(clause, target);
      continue;
    }
    if (path.startsWith('$')) continue;
    if (isPlainObject(expression) && Object.keys(expression).some((key) => key.startsWith('$'))) {
      if ('$eq' in expression) setPath(target, path, expression.$eq);
      continue;
    }
    if (expression instanceof RegExp) continue;
    setPath(target, path, expression);
  }
}

function setPath(target: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Document = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part];
  }
  node[parts[parts.length - 1]] = value;
}
