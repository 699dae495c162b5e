// Undo of an applied merge: first a check that everything the merge moved is still where the merge put it (else the
// caller gets a 409 naming each change), then idempotent steps replayed as they are by recovery. The sources become
// live again FIRST: were they still tombstones while their identifiers move back, a concurrent resolver would see
// the tombstone and move those identifiers straight back to the target.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type AttributeDoc, type LinkDoc, type PersonaDoc } from '../../domain/model.ts';
import { type Store, isDuplicateKeyError } from '../../store/port.ts';
import type { ErrorDetail } from '../../core/errors/api-error.ts';
import { readMovesOf, type MovedEntry } from './merge-moves.ts';
import { mergesOf, type MergeRecordDoc } from './merge-record.ts';
import type { MergeStepHook } from './merge-steps.ts';

const hex = (id: ObjectId): string => id.toHexString();

/** Items per look-up or write of an undo (a merge may have moved hundreds of thousands). */
const UNDO_CHUNK = 5000;

export async function findUndoConflicts(store: Store, record: MergeRecordDoc): Promise<ErrorDetail[]> {
  const { organisation, target } = record;
  const moved = await readMovesOf(store, record);
  const conflicts: ErrorDetail[] = [];
  const personas = await store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .find(
      { organisation, _id: { $in: [target, ...record.sources, ...moved.tombstones.map((entry) => entry._id)] } },
      { projection: { _id: 1, mergedInto: 1 } },
    );
  const personaById = new Map(personas.map((persona) => [hex(persona._id), persona]));
  const targetDoc = personaById.get(hex(target));
  if (!targetDoc)
    conflicts.push({ path: 'target', code: 'merges.persona_gone', message: `target persona ${hex(target)} no longer exists` });
  else if (targetDoc.mergedInto)
    conflicts.push({
      path: 'target',
      code: 'merges.persona_merged_again',
      message: `target persona ${hex(target)} was merged into ${hex(targetDoc.mergedInto)}`,
    });
  for (const source of record.sources) {
    const doc = personaById.get(hex(source));
    if (!doc || !doc.mergedInto?.equals(target)) {
      conflicts.push({
        path: `sources.${hex(source)}`,
        code: 'merges.persona_changed',
        message: `source persona ${hex(source)} ${doc ? 'no longer redirects to the target' : 'no longer exists'}`,
      });
    }
  }
  for (const entry of moved.tombstones) {
    const doc = personaById.get(hex(entry._id));
    if (!doc?.mergedInto?.equals(target)) {
      conflicts.push({
        path: `tombstones.${hex(entry._id)}`,
        code: 'merges.persona_changed',
        message: `merged persona ${hex(entry._id)} no longer redirects to the target`,
      });
    }
  }
  await checkStillOnTarget(store, record, COLLECTIONS.identifiers, 'persona', moved.identifiers, 'identifier', conflicts);
  await checkStillOnTarget(store, record, COLLECTIONS.attributes, 'personaId', moved.attributes, 'attribute', conflicts);
  await checkStillOnTarget(store, record, COLLECTIONS.links, 'persona', moved.links, 'link', conflicts);
  await checkStillOnTarget(store, record, COLLECTIONS.emailClaims, 'persona', moved.claims, 'emailClaim', conflicts);
  return conflicts;
}

async function checkStillOnTarget(
  store: Store,
  record: MergeRecordDoc,
  collection: string,
  personaField: string,
  entries: MovedEntry[],
  kind: string,
  conflicts: ErrorDetail[],
): Promise<void> {
  if (entries.length === 0) return;
  const where = new Map<string, ObjectId>();
  for (let start = 0; start < entries.length; start += UNDO_CHUNK) {
    const docs = await store
      .collection(collection)
      .find(
        { organisation: record.organisation, _id: { $in: entries.slice(start, start + UNDO_CHUNK).map((entry) => entry._id) } },
        { projection: { _id: 1, [personaField]: 1 } },
      );
    for (const doc of docs) where.set(hex(doc._id), doc[personaField] as ObjectId);
  }
  for (const entry of entries) {
    const persona = where.get(hex(entry._id));
    if (persona?.equals(record.target)) continue;
    conflicts.push({
      path: `${kind}s.${hex(entry._id)}`,
      code: persona ? 'merges.item_moved' : 'merges.item_deleted',
      message: persona ? `${kind} ${hex(entry._id)} is now on persona ${hex(persona)}` : `${kind} ${hex(entry._id)} was deleted`,
    });
  }
}

export async function applyUndoSteps(store: Store, mergeId: ObjectId, onStep: MergeStepHook = () => {}): Promise<MergeRecordDoc> {
  const merges = mergesOf(store);
  const record = await merges.findOne({ _id: mergeId });
  if (!record || record.state !== 'undoing') return record!;
  const { organisation, target } = record;
  const moved = await readMovesOf(store, record);
  const personas = store.collection<PersonaDoc>(COLLECTIONS.personas);
  const now = () => new Date();

  await personas.updateMany(
    { organisation, _id: { $in: record.sources }, mergedInto: target },
    { $unset: { mergedInto: '' }, $set: { updatedAt: now() } },
  );
  await onStep('undo:sources-live');
  for (const source of record.sources) {
    const of = (entries: MovedEntry[]) => entries.filter((entry) => entry._id && entry.source.equals(source)).map((entry) => entry._id);
    await moveBack(store, COLLECTIONS.identifiers, 'persona', organisation, target, source, of(moved.identifiers), true);
    await onStep(`undo:identifiers:${hex(source)}`);
    await moveBack(store, COLLECTIONS.attributes, 'personaId', organisation, target, source, of(moved.attributes), true);
    await reinsert<AttributeDoc>(
      store,
      COLLECTIONS.attributes,
      'personaId',
      moved.attributeConflicts.filter((c) => c.source.equals(source)).map((c) => c.attribute),
    );
    await onStep(`undo:attributes:${hex(source)}`);
    await moveBack(store, COLLECTIONS.links, 'persona', organisation, target, source, of(moved.links), true);
    await reinsert<LinkDoc>(
      store,
      COLLECTIONS.links,
      'persona',
      moved.linkConflicts.filter((c) => c.source.equals(source)).map((c) => c.link),
    );
    await onStep(`undo:links:${hex(source)}`);
    await moveBack(store, COLLECTIONS.emailClaims, 'persona', organisation, target, source, of(moved.claims), false);
    const older = of(moved.tombstones);
    if (older.length > 0) {
      await personas.updateMany(
        { organisation, _id: { $in: older }, mergedInto: target },
        { $set: { mergedInto: source, updatedAt: now() } },
      );
    }
    await onStep(`undo:claims-tombstones:${hex(source)}`);
  }
  await merges.updateOne(
    { _id: mergeId, state: 'undoing' },
    { $set: { state: 'undone', undoneAt: now(), updatedAt: now(), effectsPending: true } },
  );
  await onStep('undo:undone');
  return (await merges.findOne({ _id: mergeId }))!;
}

async function moveBack(
  store: Store,
  collection: string,
  personaField: string,
  organisation: ObjectId,
  target: ObjectId,
  source: ObjectId,
  ids: ObjectId[],
  touch: boolean,
): Promise<void> {
  const set: Record<string, unknown> = { [personaField]: source };
  if (touch) set.updatedAt = new Date();
  for (let start = 0; start < ids.length; start += UNDO_CHUNK) {
    await store
      .collection(collection)
      .updateMany({ organisation, _id: { $in: ids.slice(start, start + UNDO_CHUNK) }, [personaField]: target }, { $set: set });
  }
}

/**
 * Re-creates documents a merge deleted as conflicts, by `_id`, so a replay does not duplicate them. The filter holds
 * the shard key too (organisation and the persona field, docs/scaling.md): an upsert on a sharded collection must
 * name it (MongoDB 6.0 refuses an upsert by `_id` alone; 7.0 sends it through the slower write-without-shard-key path).
 */
async function reinsert<T extends { _id: ObjectId; organisation: ObjectId }>(
  store: Store,
  collection: string,
  personaField: string,
  documents: T[],
): Promise<void> {
  if (documents.length === 0) return;
  const result = await store.collection(collection).bulkWrite(
    documents.map((document) => {
      const { _id, organisation, [personaField]: persona, ...rest } = document as T & Record<string, unknown>;
      return { updateOne: { filter: { _id, organisation, [personaField]: persona }, update: { $setOnInsert: rest }, upsert: true } };
    }),
    { ordered: false },
  );
  // A duplicate key means the target re-acquired the same link meanwhile; the source's copy is then not restored.
  const unexpected = result.writeErrors.find((error) => !isDuplicateKeyError(error));
  if (unexpected) throw new Error(`restoring merged documents failed: ${unexpected.errmsg}`);
}
