// The idempotent steps of a merge, replayed as they are by recovery. Order matters for concurrent ingestion: the
// sources become tombstones FIRST, so a resolver that puts an identifier on a source afterwards sees the tombstone
// and moves it to the target itself (identifier-resolution.ts), while anything it put there before is swept here.
// Every step records what it is about to move in the merge's journal (merge-moves.ts) before moving it (filtered by
// the source, so a replay never moves something twice and never moves what someone else moved meanwhile).
import type { ObjectId } from 'bson';
import {
  COLLECTIONS,
  type AttributeDoc,
  type EmailClaimDoc,
  type IdentifierDoc,
  type LinkDoc,
  type PersonaDoc,
} from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { readMovesOf, recordMoves, type MergeMoves, type MovedEntry } from './merge-moves.ts';
import { mergesOf, type MergeRecordDoc } from './merge-record.ts';

/** Called after each named step; tests use it to kill the process between steps. */
export type MergeStepHook = (step: string) => void | Promise<void>;

const SWEEP_CHUNK = 5000;

export async function applyMergeSteps(store: Store, mergeId: ObjectId, onStep: MergeStepHook = () => {}): Promise<MergeRecordDoc> {
  const merges = mergesOf(store);
  const record = await merges.findOne({ _id: mergeId });
  if (!record || record.state !== 'pending') return record!;
  const { organisation, target } = record;
  const now = () => new Date();

  await store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .updateMany(
      { _id: { $in: record.sources }, organisation, mergedInto: { $exists: false } },
      { $set: { mergedInto: target, updatedAt: now() } },
    );
  await onStep('tombstones');

  for (const source of record.sources) {
    await sweepIdentifiers(store, record, source);
    await onStep(`identifiers:${source.toHexString()}`);
    await moveAttributes(store, record, source);
    await onStep(`attributes:${source.toHexString()}`);
    await moveLinks(store, record, source);
    await onStep(`links:${source.toHexString()}`);
    await moveByPersona(store, record, source, COLLECTIONS.emailClaims, 'persona', 'claims');
    await onStep(`claims:${source.toHexString()}`);
    await repointTombstones(store, record, source);
    await onStep(`tombstones-repointed:${source.toHexString()}`);
  }
  // A last sweep: resolvers that read a source as live just before it became a tombstone may have written since.
  for (const source of record.sources) {
    await sweepIdentifiers(store, record, source);
    await moveByPersona(store, record, source, COLLECTIONS.emailClaims, 'persona', 'claims');
  }
  await onStep('swept');
  await merges.updateOne(
    { _id: mergeId, state: 'pending' },
    { $set: { state: 'applied', appliedAt: now(), updatedAt: now(), effectsPending: true } },
  );
  await onStep('applied');
  return (await merges.findOne({ _id: mergeId }))!;
}

/** Ids already in the journal under `kind` (a replay after a crash between recording and moving finds them there). */
async function recordedIds(store: Store, record: MergeRecordDoc, kind: 'identifiers' | 'claims'): Promise<Set<string>> {
  return new Set((await readMovesOf(store, record, [kind]))[kind].map((entry) => entry._id.toHexString()));
}

/** Moves every identifier of the source, in chunks, until none is left on it. */
async function sweepIdentifiers(store: Store, record: MergeRecordDoc, source: ObjectId): Promise<void> {
  await moveByPersona(store, record, source, COLLECTIONS.identifiers, 'persona', 'identifiers');
}

async function moveByPersona(
  store: Store,
  record: MergeRecordDoc,
  source: ObjectId,
  collectionName: string,
  personaField: 'persona' | 'personaId',
  field: 'identifiers' | 'claims',
): Promise<void> {
  const collection = store.collection<IdentifierDoc | EmailClaimDoc>(collectionName);
  const recorded = await recordedIds(store, record, field);
  for (;;) {
    const found = await collection.find(
      { organisation: record.organisation, [personaField]: source },
      { projection: { _id: 1 }, limit: SWEEP_CHUNK },
    );
    if (found.length === 0) return;
    const ids = found.map((document) => document._id);
    const fresh = ids.filter((id) => !recorded.has(id.toHexString()));
    for (const id of fresh) recorded.add(id.toHexString());
    await recordMoves(
      store,
      record,
      field,
      fresh.map((_id): MovedEntry => ({ _id, source })),
    );
    const update: Record<string, unknown> = { [personaField]: record.target };
    if (collectionName === COLLECTIONS.identifiers) update.updatedAt = new Date();
    await collection.updateMany({ _id: { $in: ids }, organisation: record.organisation, [personaField]: source }, { $set: update });
  }
}

/** Attributes whose key the target already has are conflicts: the target keeps its value, the source's is recorded. */
async function moveAttributes(store: Store, record: MergeRecordDoc, source: ObjectId): Promise<void> {
  const attributes = store.collection<AttributeDoc>(COLLECTIONS.attributes);
  const onSource = await attributes.find({ organisation: record.organisation, personaId: source }, { sort: { _id: 1 } });
  if (onSource.length === 0) return;
  const onTarget = await attributes.find({ organisation: record.organisation, personaId: record.target });
  const targetValues = new Map(onTarget.map((attribute) => [attribute.key, attribute.value]));
  const recorded = await readMovesOf(store, record, ['attributes', 'attributeConflicts']);
  const alreadyMoved = new Set(recorded.attributes.map((entry) => entry._id.toHexString()));
  const alreadyConflicting = new Set(recorded.attributeConflicts.map((entry) => entry.attribute._id.toHexString()));
  const moves: MovedEntry[] = [];
  const conflicts: MergeMoves['attributeConflicts'] = [];
  for (const attribute of onSource) {
    const id = attribute._id.toHexString();
    // A replay keeps the classification made before the crash.
    const isConflict = alreadyConflicting.has(id) || (!alreadyMoved.has(id) && targetValues.has(attribute.key));
    if (isConflict) {
      conflicts.push({
        source,
        key: attribute.key,
        sourceValue: attribute.value,
        targetValue: targetValues.get(attribute.key)!,
        attribute,
      });
    } else {
      moves.push({ _id: attribute._id, source });
      targetValues.set(attribute.key, attribute.value);
    }
  }
  await recordMoves(
    store,
    record,
    'attributes',
    moves.filter((entry) => !alreadyMoved.has(entry._id.toHexString())),
  );
  await recordMoves(
    store,
    record,
    'attributeConflicts',
    conflicts.filter((entry) => !alreadyConflicting.has(entry.attribute._id.toHexString())),
  );
  const now = new Date();
  if (moves.length > 0) {
    await attributes.updateMany(
      { _id: { $in: moves.map((entry) => entry._id) }, organisation: record.organisation, personaId: source },
      { $set: { personaId: record.target, updatedAt: now } },
    );
  }
  if (conflicts.length > 0) {
    await attributes.deleteMany({
      _id: { $in: conflicts.map((entry) => entry.attribute._id) },
      organisation: record.organisation,
      personaId: source,
    });
  }
}

/** Links are unique per (persona, recTypeName, recId): a link the target already has is recorded and removed. */
async function moveLinks(store: Store, record: MergeRecordDoc, source: ObjectId): Promise<void> {
  const links = store.collection<LinkDoc>(COLLECTIONS.links);
  const onSource = await links.find({ organisation: record.organisation, persona: source }, { sort: { _id: 1 } });
  if (onSource.length === 0) return;
  const onTarget = await links.find(
    { organisation: record.organisation, persona: record.target },
    { projection: { recTypeName: 1, recId: 1 } },
  );
  const linkKey = (link: Pick<LinkDoc, 'recTypeName' | 'recId'>) => `${link.recTypeName}\u0000${link.recId}`;
  const targetKeys = new Set(onTarget.map(linkKey));
  const recorded = await readMovesOf(store, record, ['links', 'linkConflicts']);
  const alreadyMoved = new Set(recorded.links.map((entry) => entry._id.toHexString()));
  const alreadyConflicting = new Set(recorded.linkConflicts.map((entry) => entry.link._id.toHexString()));
  const moves: MovedEntry[] = [];
  const conflicts: MergeMoves['linkConflicts'] = [];
  for (const link of onSource) {
    const id = link._id.toHexString();
    if (alreadyConflicting.has(id) || (!alreadyMoved.has(id) && targetKeys.has(linkKey(link)))) conflicts.push({ source, link });
    else moves.push({ _id: link._id, source });
  }
  await recordMoves(
    store,
    record,
    'links',
    moves.filter((entry) => !alreadyMoved.has(entry._id.toHexString())),
  );
  await recordMoves(
    store,
    record,
    'linkConflicts',
    conflicts.filter((entry) => !alreadyConflicting.has(entry.link._id.toHexString())),
  );
  if (moves.length > 0) {
    await links.updateMany(
      { _id: { $in: moves.map((entry) => entry._id) }, organisation: record.organisation, persona: source },
      { $set: { persona: record.target, updatedAt: new Date() } },
    );
  }
  if (conflicts.length > 0) {
    await links.deleteMany({ _id: { $in: conflicts.map((entry) => entry.link._id) }, organisation: record.organisation, persona: source });
  }
}

async function repointTombstones(store: Store, record: MergeRecordDoc, source: ObjectId): Promise<void> {
  const personas = store.collection<PersonaDoc>(COLLECTIONS.personas);
  const older = await personas.find({ organisation: record.organisation, mergedInto: source }, { projection: { _id: 1 } });
  if (older.length === 0) return;
  const ids = older.map((persona) => persona._id);
  // A replay after the repoint failed part-way (a bulk is not atomic on MongoDB) finds them recorded already: record
  // each once, or undo's conflict messages repeat them.
  const recorded = new Set((await readMovesOf(store, record, ['tombstones'])).tombstones.map((entry) => entry._id.toHexString()));
  const fresh = ids.filter((id) => !recorded.has(id.toHexString()));
  if (fresh.length > 0)
    await recordMoves(
      store,
      record,
      'tombstones',
      fresh.map((_id): MovedEntry => ({ _id, source })),
    );
  await personas.updateMany(
    { _id: { $in: ids }, organisation: record.organisation, mergedInto: source },
    { $set: { mergedInto: record.target, updatedAt: new Date() } },
  );
}
