// The merge journal in chunks: a merge that moves more than one chunk's worth keeps a small record, lists everything
// it moved in the history and the export, replays without recording anything twice, undoes exactly, and erasure
// leaves no chunk behind.
import { expect } from 'chai';
import { calculateObjectSize, ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createErasureService } from '../../src/features/erasure/erasure.service.ts';
import { MERGE_MOVES_COLLECTION, MOVES_PER_CHUNK, readMovesOf } from '../../src/features/merges/merge-moves.ts';
import { mergesOf } from '../../src/features/merges/merge-record.ts';
import { applyMergeSteps } from '../../src/features/merges/merge-steps.ts';
import type { Store } from '../../src/store/port.ts';
import { recoverMerges } from '../../src/features/merges/merge-recovery.ts';
import { createMergeService } from '../../src/features/merges/merge.service.ts';
import { ensureIndexes } from '../../src/store/indexes.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';
import { seedPersona, snapshot } from './support/seed.ts';

describe('merge journal in chunks', () => {
  let temp: TempStore;
  const organisation = new ObjectId();
  const COUNT = 2 * MOVES_PER_CHUNK + 500;
  let target: ObjectId;
  let source: ObjectId;

  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
    await ensureIndexes(temp.store);
    target = await seedPersona(temp.store, organisation, { name: 'Target', attributes: { team: 'red' } });
    source = await seedPersona(temp.store, organisation, { name: 'Source', attributes: { team: 'blue' } });
    const now = new Date();
    await temp.store.collection(COLLECTIONS.identifiers).insertMany(
      Array.from({ length: COUNT }, (_, index) => ({
        organisation,
        persona: source,
        ifi: { key: 'openid', value: `http://id.example.org/${index}` },
        canonicalKey: `openid|http://id.example.org/${index}`,
        locked: false,
        createdAt: now,
        updatedAt: now,
      })),
    );
  });
  afterEach(async () => {
    await temp.close();
  });

  const chunks = () => temp.store.collection(MERGE_MOVES_COLLECTION).find({ organisation });

  it('keeps the record small, lists every move in history and export, and undoes exactly', async () => {
    const before = await snapshot(temp.store, organisation);
    const service = createMergeService({ store: temp.store });
    const merge = await service.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'tester' });
    expect(merge.moved.identifiers).to.have.length(COUNT);
    expect(merge.moved.attributeConflicts).to.have.length(1);

    const record = (await mergesOf(temp.store).findOne({ _id: new ObjectId(merge.id) }))!;
    expect(record).to.not.have.property('moved');
    expect(calculateObjectSize(record)).to.be.below(1024);
    const identifierChunks = (await chunks()).filter((chunk) => chunk.kind === 'identifiers');
    expect(identifierChunks).to.have.length(3);
    for (const chunk of identifierChunks) expect(chunk.entries.length).to.be.at.most(MOVES_PER_CHUNK);

    const history = await service.listMerges({ organisation, persona: target });
    expect(history.data[0].moved.identifiers.map((entry) => entry.id)).to.deep.equal(merge.moved.identifiers.map((entry) => entry.id));
    const exported = await createErasureService({ store: temp.store }).exportPersona(organisation, target);
    expect(exported.merges[0].moved.identifiers).to.have.length(COUNT);

    await service.undoMerge({ organisation, mergeId: new ObjectId(merge.id), actor: 'tester' });
    expect(await snapshot(temp.store, organisation)).to.deep.equal(before);
  });

  it('replays an interrupted merge without recording a move twice, moving again what was recorded but not moved', async () => {
    const interrupted = createMergeService({
      store: temp.store,
      onStep(step) {
        if (step.startsWith('identifiers:')) throw new Error('killed');
      },
    });
    let failure: unknown;
    await interrupted.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'tester' }).catch((error) => {
      failure = error;
    });
    expect((failure as Error).message).to.equal('killed');
    // As if the process died after journaling the last chunk and before moving its identifiers.
    const last = (await chunks()).filter((chunk) => chunk.kind === 'identifiers').at(-1)!;
    await temp.store
      .collection(COLLECTIONS.identifiers)
      .updateMany({ _id: { $in: last.entries.map((entry: { _id: ObjectId }) => entry._id) } }, { $set: { persona: source } });

    const report = await recoverMerges(temp.store);
    expect(report.completed).to.have.length(1);
    expect(await temp.store.collection(COLLECTIONS.identifiers).countDocuments({ organisation, persona: target })).to.equal(COUNT);
    const journaled = (await chunks())
      .filter((chunk) => chunk.kind === 'identifiers')
      .flatMap((chunk) => chunk.entries.map((entry: { _id: ObjectId }) => entry._id.toHexString()));
    expect(journaled).to.have.length(COUNT);
    expect(new Set(journaled).size).to.equal(COUNT);
  });

  it('reads records written before the journal moved out of them (moves inside the record): listed and undone', async () => {
    const before = await snapshot(temp.store, organisation);
    const service = createMergeService({ store: temp.store });
    const merge = await service.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'tester' });
    const moved = await readMovesOf(temp.store, (await mergesOf(temp.store).findOne({ _id: new ObjectId(merge.id) }))!);
    await mergesOf(temp.store).updateOne({ _id: new ObjectId(merge.id) }, { $set: { moved } });
    await temp.store.collection(MERGE_MOVES_COLLECTION).deleteMany({ organisation });
    expect((await service.getMerge(organisation, new ObjectId(merge.id))).moved).to.deep.equal(merge.moved);
    await service.undoMerge({ organisation, mergeId: new ObjectId(merge.id), actor: 'tester' });
    expect(await snapshot(temp.store, organisation)).to.deep.equal(before);
  });

  it('erasure deletes the journal of every merge of the erased persona', async () => {
    const service = createMergeService({ store: temp.store });
    const bystander = await seedPersona(temp.store, organisation, { name: 'Bystander' });
    const other = await seedPersona(temp.store, organisation, { name: 'Other', attributes: { team: 'green' } });
    await service.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'tester' });
    await service.mergePersonas({ organisation, targetId: bystander, sourceIds: [other], actor: 'tester' });
    await createErasureService({ store: temp.store }).erasePersona({ organisation, personaId: target, actor: 'dpo' });
    const left = await chunks();
    expect(left.map((chunk) => chunk.kind)).to.deep.equal(['attributes']);
    expect(String(left[0].entries[0].source)).to.equal(other.toHexString());
    const erased = await mergesOf(temp.store).findOne({ organisation, target });
    expect(erased!.erasedAt).to.be.instanceOf(Date);
  });

  it('a replay after the tombstone repoint failed part-way records each repointed tombstone once', async () => {
    const older = await seedPersona(temp.store, organisation, { name: 'Older' });
    await temp.store.collection(COLLECTIONS.personas).updateOne({ _id: older, organisation }, { $set: { mergedInto: source } });
    const mergeId = new ObjectId();
    const now = new Date();
    await mergesOf(temp.store).insertOne({
      _id: mergeId,
      organisation,
      target,
      sources: [source],
      actor: 'tester',
      state: 'pending',
      createdAt: now,
      updatedAt: now,
    } as any);
    // The store fails the repoint (an updateMany of the personas merged into the source) once, after the journal entry.
    let hasFailed = false;
    const failing: Store = Object.create(temp.store, {
      collection: {
        value: (name: string) => {
          const collection = temp.store.collection(name);
          if (name !== COLLECTIONS.personas) return collection;
          return Object.create(collection, {
            updateMany: {
              value: (filter: Record<string, any>, update: Record<string, any>) => {
                if (!hasFailed && filter.mergedInto instanceof Object && 'toHexString' in filter.mergedInto) {
                  hasFailed = true;
                  throw new Error('connection dropped');
                }
                return collection.updateMany(filter, update);
              },
            },
          });
        },
      },
    });
    await applyMergeSteps(failing, mergeId).then(
      () => expect.fail('the first run should fail'),
      (error: Error) => expect(error.message).to.equal('connection dropped'),
    );
    expect((await applyMergeSteps(temp.store, mergeId)).state).to.equal('applied');
    const record = (await mergesOf(temp.store).findOne({ _id: mergeId }))!;
    expect((await readMovesOf(temp.store, record, ['tombstones'])).tombstones.map((entry) => entry._id.toHexString())).to.deep.equal([
      older.toHexString(),
    ]);
    expect((await temp.store.collection(COLLECTIONS.personas).findOne({ _id: older, organisation }))!.mergedInto.toHexString()).to.equal(
      target.toHexString(),
    );
  });
});
