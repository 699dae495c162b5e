// The effects of a merge (statement write-back, then the persona event) run on every path that applies one: the
// merge service, recovery of an interrupted merge at start-up, and recovery of a merge applied by a process that
// died before its effects ran.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { loadConfig } from '../../src/config.ts';
import { startIdentityFeature } from '../../src/wiring/identity-feature.ts';
import type { IdentityWriteBack } from '../../src/features/merges/identity-write-back.ts';
import { afterMergeChangeOf } from '../../src/features/merges/merge-effects.ts';
import { mergesOf, type MergeRecordDoc } from '../../src/features/merges/merge-record.ts';
import { recoverMerges } from '../../src/features/merges/merge-recovery.ts';
import { createMergeService } from '../../src/features/merges/merge.service.ts';
import type { TempStore } from '../support/temp-store.ts';
import { useMergePair } from './support/seed.ts';

describe('merge effects on every path', () => {
  const pair = useMergePair();
  const { organisation } = pair;
  let temp: TempStore;
  let target: ObjectId;
  let source: ObjectId;
  beforeEach(() => ({ temp, target, source } = pair));

  /** Records what the effects saw, in order: write-back first, then the event. */
  function recorder() {
    const seen: string[] = [];
    const writeBack = {
      async afterMergeChange(record: MergeRecordDoc) {
        seen.push(`write-back ${record.state} ${record._id.toHexString()}`);
      },
      async afterErase() {},
    } satisfies IdentityWriteBack;
    const onMergeChange = async (record: MergeRecordDoc) => {
      seen.push(`event ${record.state} ${record._id.toHexString()}`);
    };
    return { seen, writeBack, onMergeChange, afterChange: afterMergeChangeOf({ writeBack, onMergeChange })! };
  }

  it('a merge and its undo run write-back then the event, and leave no effects pending', async () => {
    const { seen, afterChange } = recorder();
    const service = createMergeService({ store: temp.store, afterChange });
    const merge = await service.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'tester' });
    await service.undoMerge({ organisation, mergeId: new ObjectId(merge.id), actor: 'tester' });
    expect(seen).to.deep.equal([
      `write-back applied ${merge.id}`,
      `event applied ${merge.id}`,
      `write-back undone ${merge.id}`,
      `event undone ${merge.id}`,
    ]);
    expect(await mergesOf(temp.store).countDocuments({ effectsPending: true })).to.equal(0);
  });

  it('effects that did not run (the process died after the merge applied) are run by recovery, once', async () => {
    const dying = createMergeService({
      store: temp.store,
      afterChange: async () => {
        throw new Error('killed');
      },
    });
    const failure = await dying
      .mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'tester' })
      .catch((error: Error) => error);
    expect((failure as Error).message).to.equal('killed');
    const [record] = await mergesOf(temp.store).find({ organisation });
    expect(record).to.include({ state: 'applied', effectsPending: true });

    const { seen, afterChange } = recorder();
    const report = await recoverMerges(temp.store, { afterChange });
    expect(report).to.deep.equal({ completed: [], undone: [], abandoned: [], announced: [record._id.toHexString()] });
    expect(seen).to.deep.equal([`write-back applied ${record._id.toHexString()}`, `event applied ${record._id.toHexString()}`]);
    expect((await recoverMerges(temp.store, { afterChange })).announced).to.deep.equal([]);
    expect(seen).to.have.length(2);
  });

  it('start-up recovery completes an interrupted merge with the effects of the process', async () => {
    const now = new Date();
    const mergeId = new ObjectId();
    await mergesOf(temp.store).insertOne({
      _id: mergeId,
      organisation,
      target,
      sources: [source],
      actor: 'api',
      state: 'pending',
      createdAt: now,
      updatedAt: now,
    });
    const seen: string[] = [];
    const feature = await startIdentityFeature(loadConfig({ DATA_DIR: temp.dataDir ?? undefined, QUEUE: 'inline' }), temp.store, {
      onMergeChange: async (record) => {
        seen.push(`${record.state} ${record._id.toHexString()}`);
      },
    });
    await feature.close();
    expect(seen).to.deep.equal([`applied ${mergeId.toHexString()}`]);
    expect(await mergesOf(temp.store).findOne({ _id: mergeId })).to.not.have.property('effectsPending');
  });
});
