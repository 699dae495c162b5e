// Several API instances on one database (review finding 8): the start-up recovery of one instance takes over only
// merges whose owner stopped renewing its lease, never a merge another live instance is running. Two "instances"
// here are two merge services / recoveries on one store; a paused step keeps a merge in flight.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { mergesOf } from '../../src/features/merges/merge-record.ts';
import { recoverMerges } from '../../src/features/merges/merge-recovery.ts';
import { createMergeService } from '../../src/features/merges/merge.service.ts';
import type { TempStore } from '../support/temp-store.ts';
import { useMergePair } from './support/seed.ts';

/** A merge service whose merge stops at `step` until released (an instance in the middle of its work). */
function pausedAt(store: TempStore['store'], step: string, leaseMs?: number) {
  let reached!: () => void;
  let release!: () => void;
  const atStep = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const service = createMergeService({
    store,
    leaseMs,
    onStep: async (name) => {
      if (name === step) {
        reached();
        await gate;
      }
    },
  });
  return { service, atStep, release };
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('merge leases: several instances on one store', () => {
  const pair = useMergePair();
  const { organisation } = pair;
  let temp: TempStore;
  let target: ObjectId;
  let source: ObjectId;
  beforeEach(() => ({ temp, target, source } = pair));

  for (const step of ['intent', 'pending']) {
    it(`a second instance's start-up recovery leaves a live merge (at '${step}') alone, and that merge is applied`, async () => {
      const first = pausedAt(temp.store, step);
      const merging = first.service.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'instance-1' });
      await first.atStep;
      const report = await recoverMerges(temp.store);
      expect(report).to.deep.equal({ completed: [], undone: [], abandoned: [], announced: [] });
      first.release();
      const merge = await merging;
      expect(merge.state).to.equal('applied');
      const record = await mergesOf(temp.store).findOne({ _id: new ObjectId(merge.id) });
      expect(record).to.not.have.property('owner');
      expect(record).to.not.have.property('leaseUntil');
    });
  }

  it('the owner renews its lease while it works, so a long merge is never taken over', async () => {
    const first = pausedAt(temp.store, 'pending', 300);
    const merging = first.service.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'instance-1' });
    await first.atStep;
    const [initial] = await mergesOf(temp.store).find({ organisation });
    // Wait for a renewal past the first lease's end: the record is still leased, and recovery leaves it.
    await until('a renewal past the first expiry', async () => {
      const record = await mergesOf(temp.store).findOne({ _id: initial._id });
      return record!.leaseUntil!.getTime() > initial.leaseUntil!.getTime() + 300 && Date.now() > initial.leaseUntil!.getTime();
    });
    expect((await recoverMerges(temp.store)).completed).to.deep.equal([]);
    first.release();
    expect((await merging).state).to.equal('applied');
  });

  it('a merge whose owner stopped renewing (lease expired) is taken over and completed, once', async () => {
    const now = new Date();
    const mergeId = new ObjectId();
    await mergesOf(temp.store).insertOne({
      _id: mergeId,
      organisation,
      target,
      sources: [source],
      actor: 'instance-1',
      state: 'pending',
      createdAt: now,
      updatedAt: now,
      owner: 'a-dead-instance',
      leaseUntil: new Date(now.getTime() + 60_000),
    });
    expect((await recoverMerges(temp.store)).completed, 'lease still valid').to.deep.equal([]);
    const later = () => new Date(now.getTime() + 120_000);
    const [one, two] = await Promise.all([recoverMerges(temp.store, { now: later }), recoverMerges(temp.store, { now: later })]);
    expect([...one.completed, ...two.completed]).to.deep.equal([mergeId.toHexString()]);
    const record = await mergesOf(temp.store).findOne({ _id: mergeId });
    expect(record).to.include({ state: 'applied' });
    expect(record).to.not.have.property('owner');
  });

  it('an intent taken over after its lease expired answers 409 to its owner instead of 201 with nothing merged', async () => {
    const first = pausedAt(temp.store, 'intent');
    const merging = first.service
      .mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'instance-1' })
      .catch((error) => error);
    await first.atStep;
    const report = await recoverMerges(temp.store, { now: () => new Date(Date.now() + 10 * 60_000) });
    expect(report.abandoned).to.have.length(1);
    first.release();
    const error = await merging;
    expect(error.code).to.equal('merges.merge_in_progress');
    expect(error.status ?? error.statusCode).to.equal(409);
  });
});
