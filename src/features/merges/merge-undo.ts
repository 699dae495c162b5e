// Undo of an applied merge: first a check that everything the merge moved is still where the merge put it (else the
// caller gets a 409 naming each change), then idempotent steps replayed as they are by recovery. The sources become
// live again FIRST: were they still tombstones while their identifiers move back, a concurrent resolver would see
// the tombstone and move those identifiers straight back to the target.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type AttributeDoc, type LinkDoc, type PersonaDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import type { IdentityErrorDetail } from './identity-error.ts';
import { mergesOf, type MergeRecordDoc, type MovedEntry } from './merge-record.ts';
import type { MergeStepHook } from './merge-steps.ts';

const hex = (id: ObjectId): string => id.toHexString();

export async function findUndoConflicts(store: Store, record: MergeRecordDoc): Promise<IdentityErrorDetail[]> {
  const { organisation, target } = record;
  const conflicts: IdentityErrorDetail[] = [];
  const personas = await store.collection<PersonaDoc>(COLLECTIONS.personas).find(
    { organisation, _id: { $in: [target, ...record.sources, ...record.moved.tombstones.map((entry) => entry._id)] } },
    { projection: { _id: 1, mergedInto: 1 } },
  );
  const personaById = new Map(personas.map((persona) => [hex(persona._id), persona]));
  const targetDoc = personaById.get(hex(target));
  if (!targetDoc) conflicts.push({ path: 'target', code: 'merges.persona_gone', message: `target persona ${hex(target)} no longer exists` });
  else if (targetDoc.mergedInto) conflicts.push({ path: 'target', code: 'merges.persona_merged_again', message: `target persona ${hex(target)} was merged into ${hex(targetDoc.mergedInto)}` });
  for (const source of record.sources) {
    const doc = personaById.get(hex(source));
    if (!doc || !doc.mergedInto?.equals(target)) {
      conflicts.push({ path: `sources.${hex(source)}`, code: 'merges.persona_changed', message: `source persona ${hex(source)} ${doc ? 'no longer redirects to the target' : 'no longer exists'}` });
    }
  }
  for (const entry of record.moved.tombstones) {
    const doc = personaById.get(hex(entry._id));
    if (!doc?.mergedInto?.equals(target)) {
      conflicts.push({ path: `tombstones.${hex(entry._id)}`, code: 'merges.persona_changed', message: `merged persona ${hex(entry._id)} no longer redirects to the target` });
    }
  }
  await checkStillOnTarget(store, record, COLLECTIONS.identifiers, 'persona', record.moved.identifiers, 'identifier', conflicts);
  await checkStillOnTarget(store, record, COLLECTIONS.attributes, 'personaId', record.moved.attributes, 'attribute', conflicts);
  await checkStillOnTarget(store, record, COLLECTIONS.links, 'persona', record.moved.links, 'link', conflicts);
  await checkStillOnTarget(store, record, COLLECTIONS.emailClaims, 'persona', record.moved.claims, 'emailClaim', conflicts);
  return conflicts;
}

async function checkStillOnTarget(
  store: Store, record: MergeRecordDoc, collection: string, personaField: string, entries: MovedEntry[], kind: string,
  conflicts: IdentityErrorDetail[],
): Promise<void> {
  if (entries.length === 0) return;
  const docs = await store.collection(collection).find(
    { organisation: record.organisation, _id: { $in: entries.map((entry) => entry._id) } }, { projection: { _id: 1, [personaField]: 1 } },
  );
  const where = new Map(docs.map((doc) => [hex(doc._id), doc[personaField] as ObjectId]));
  for (const entry of entries) {
    const persona = where.get(hex(entry._id));
    if (persona?.equals(record.target)) continue;
    conflicts.push({
      path: `${kind}s.${hex(entry._id)}`, code: persona ? 'merges.item_moved' : 'merges.item_deleted',
      message: persona ? `${kind} ${hex(entry._id)} is now on persona ${hex(persona)}` : `${kind} ${hex(entry._id)} was deleted`,
    });
  }
}

export async function applyUndoSteps(store: Store, mergeId: ObjectId, onStep: MergeStepHook = () => {}): Promise<MergeRecordDoc> {
  const merges = mergesOf(store);
  const record = await merges.findOne({ _id: mergeId });
  if (!record || record.state !== 'undoing') return record!;
  const { organisation, target } = record;
  const personas = store.collection<PersonaDoc>(COLLECTIONS.personas);
  const now = () => new Date();

  await personas.updateMany({ organisation, _id: { $in: record.sources }, mergedInto: target }, { $unset: { mergedInto: '' }, $set: { updatedAt: now() } });
  await onStep('undo:sources-live');
  for (const source of record.sources) {
    const of = (entries: MovedEntry[]) => entries.filter((entry) => entry._id && entry.source.equals(source)).map((entry) => entry._id);
    await moveBack(store, COLLECTIONS.identifiers, 'persona', organisation, target, source, of(record.moved.identifiers), true);
    await onStep(`undo:identifiers:${hex(source)}`);
    await moveBack(store, COLLECTIONS.attributes, 'personaId', organisation, target, source, of(record.moved.attributes), true);
    await reinsert<AttributeDoc>(store, COLLECTIONS.attributes, record.moved.attributeConflicts.filter((c) => c.source.equals(source)).map((c) => c.attribute));
    await onStep(`undo:attributes:${hex(source)}`);
    await moveBack(store, COLLECTIONS.links, 'persona', organisation, target, source, of(record.moved.links), true);
    await reinsert<LinkDoc>(store, COLLECTIONS.links, record.moved.linkConflicts.filter((c) => c.source.equals(source)).map((c) => c.link));
    await onStep(`undo:links:${hex(source)}`);
    await moveBack(store, COLLECTIONS.emailClaims, 'persona', organisation, target, source, of(record.moved.claims), false);
    const older = of(record.moved.tombstones);
    if (older.length > 0) {
      await personas.updateMany({ organisation, _id: { $in: older }, mergedInto: target }, { $set: { mergedInto: source, updatedAt: now() } });
    }
    await onStep(`undo:claims-tombstones:${hex(source)}`);
  }
  await merges.updateOne({ _id: mergeId, state: 'undoing' }, { $set: { state: 'undone', undoneAt: now(), updatedAt: now() } });
  await onStep('undo:undone');
  return (await merges.findOne({ _id: mergeId }))!;
}

async function moveBack(
  store: Store, collection: string, personaField: string, organisation: ObjectId, target: ObjectId, source: ObjectId, ids: ObjectId[],
  touch: boolean,
): Promise<void> {
  if (ids.length === 0) return;
  const set: Record<string, unknown> = { [personaField]: source };
  if (touch) set.updatedAt = new Date();
  await store.collection(collection).updateMany({ organisation, _id: { $in: ids }, [personaField]: target }, { $set: set });
}

/** Re-creates documents a merge deleted as conflicts, by `_id`, so a replay does not duplicate them. */
async function reinsert<T extends { _id: ObjectId }>(store: Store, collection: string, documents: T[]): Promise<void> {
  if (documents.length === 0) return;
  const result = await store.collection(collection).bulkWrite(
    documents.map((document) => {
      const { _id, ...rest } = document;
      return { updateOne: { filter: { _id }, update: { $setOnInsert: rest }, upsert: true } };
    }),
    { ordered: false },
  );
  // A duplicate key means the target re-acquired the same link meanwhile; the source's copy is then not restored.
  const unexpected = result.writeErrors.find((error) => error.code !== 11000);
  if (unexpected) throw new Error(`restoring merged documents failed: ${unexpected.errmsg}`);
}
