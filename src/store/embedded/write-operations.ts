// The write operations of one collection, run inside the caller's write transaction: find the targets with the
// planner (reads see this transaction's writes), then insert, update, replace or delete them through the
// DocumentWriter. Finding and writing in one transaction is what makes an upsert race-free across processes.
import { ObjectId } from 'bson';
import type { Document, Filter, Sort, Update } from '../port.ts';
import { decodeDocument, encodeDocument } from './codec.ts';
import type { DocumentWriter } from './document-writer.ts';
import { immutableIdError } from './errors.ts';
import { updateByKey } from './keyed-update.ts';
import type { IndexDefinition } from './index-entries.ts';
import { encodeValue } from './index-keys.ts';
import type { WalkSource } from './plan-walker.ts';
import { runFind } from './query-executor.ts';
import { applyUpdate, validateUpdate } from './update-document.ts';
import { upsertDocument, upsertReplacement } from './upsert.ts';

export interface CollectionContext {
  name: string;
  source: WalkSource;
  indexes: IndexDefinition[];
  writer: DocumentWriter;
}

export interface UpdateOutcome {
  matchedCount: number;
  modifiedCount: number;
  upsertedId: unknown | null;
  before: Document | null;
  after: Document | null;
}

export interface UpdateRequest {
  filter: Filter;
  update?: Update;
  replacement?: Document;
  upsert?: boolean;
  isMulti?: boolean;
  sort?: Sort;
  /** The caller wants the before/after documents (findOneAndUpdate): the keyed fast path does not build them. */
  returnsDocuments?: boolean;
}

/** Like the driver, assigns the `_id` on the caller's document when it has none. */
export function insertDocument(context: CollectionContext, document: Document): unknown {
  const hasFreshId = document._id === undefined;
  if (hasFreshId) {
    const { ...fields } = document;
    for (const key of Object.keys(document)) delete document[key];
    Object.assign(document, { _id: new ObjectId() }, fields);
  }
  context.writer.insert(document, { hasFreshId });
  return document._id;
}

export function updateDocuments(context: CollectionContext, request: UpdateRequest): UpdateOutcome {
  const keyed = updateByKey(context, request);
  if (keyed) return keyed;
  if (request.update) validateUpdate(request.update);
  const { matches } = runFind(context.source, context.indexes, request.filter, { limit: request.isMulti ? 0 : 1, sort: request.sort });
  const outcome: UpdateOutcome = { matchedCount: matches.length, modifiedCount: 0, upsertedId: null, before: null, after: null };
  for (const match of matches) {
    const after = request.replacement ? replaced(match.document, request.replacement) : decodeDocument(match.raw);
    const isModified = request.replacement ? !encodeDocument(after).equals(match.raw) : applyUpdate(after, request.update!, false);
    if (!encodeValue(after._id).equals(match.idBytes)) throw immutableIdError();
    if (isModified) {
      context.writer.replace(match.document, after, match.idBytes);
      outcome.modifiedCount += 1;
    }
    outcome.before ??= match.document;
    outcome.after ??= after;
  }
  if (matches.length === 0 && request.upsert) {
    const document = request.replacement
      ? upsertReplacement(request.filter, request.replacement)
      : upsertDocument(request.filter, request.update!);
    context.writer.insert(document);
    outcome.upsertedId = document._id;
    outcome.after = document;
  }
  return outcome;
}

function replaced(before: Document, replacement: Document): Document {
  if (replacement._id !== undefined && !encodeValue(replacement._id).equals(encodeValue(before._id))) throw immutableIdError();
  const { _id: _ignored, ...fields } = replacement;
  return { _id: before._id, ...fields };
}

export function deleteDocuments(context: CollectionContext, filter: Filter, options: { isMulti: boolean; sort?: Sort }): Document[] {
  const { matches } = runFind(context.source, context.indexes, filter, { limit: options.isMulti ? 0 : 1, sort: options.sort });
  for (const match of matches) context.writer.remove(match.document, match.idBytes);
  return matches.map((match) => match.document);
}
