// Duplicate suggestions from the data: each reason on its own pair, scores, per-persona suggestions, dismissals,
// incremental index refresh after changes and merges, and auto-merge of certain pairs only when enabled.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { DUPLICATE_STATE_COLLECTION } from '../../src/features/duplicates/duplicate-index.ts';
import { normaliseName } from '../../src/features/duplicates/duplicate-keys.ts';
import { createDuplicatesService } from '../../src/features/duplicates/duplicates.service.ts';
import { createMergeService } from '../../src/features/merges/merge.service.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';
import { account, mbox, mboxSha1, seedIdentifier, seedPersona } from './support/seed.ts';

describe('duplicate suggestions', () => {
  let temp: TempStore;
  const organisation = new ObjectId();
  let ids: Record<string, ObjectId>;
  const pairOf = (a: ObjectId, b: ObjectId) => [a.toHexString(), b.toHexString()].sort();

  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
    const { store } = temp;
    ids = {
      a: await seedPersona(store, organisation, { name: 'Ann', identifiers: [mbox('ann@example.org')] }),
      b: await seedPersona(store, organisation, { name: 'A.', identifiers: [mboxSha1('ann@example.org')] }),
      c: await seedPersona(store, organisation, { name: 'Bob', identifiers: [mbox('Bob@example.org')] }),
      d: await seedPersona(store, organisation, { name: 'Rob', identifiers: [mbox('bob@example.org')] }),
      e: await seedPersona(store, organisation, { name: 'Jd', identifiers: [account('http://a.example.org', 'jdoe')] }),
      f: await seedPersona(store, organisation, { name: 'Jx', identifiers: [account('http://b.example.org', 'jdoe')] }),
      g: await seedPersona(store, organisation, { name: 'Zoë Martin' }),
      h: await seedPersona(store, organisation, { name: '  zoe   MARTIN ' }),
      i: await seedPersona(store, organisation, { name: 'Ivan', attributes: { employeeNumber: 'E1', team: 'red' } }),
      j: await seedPersona(store, organisation, { name: 'Joan', attributes: { employeeNumber: 'E1', team: 'red' } }),
    };
    // Another organisation with the same data is never suggested against this one.
    await seedPersona(store, new ObjectId(), { name: 'Zoe Martin', identifiers: [mbox('ann@example.org')] });
  });
  afterEach(async () => {
    await temp.close();
  });

  it('normalises display names (case, accents, punctuation, spaces)', () => {
    expect(normaliseName("  Zoë   O'Neil-MARTIN ")).to.equal('zoe o neil martin');
  });

  it('suggests each kind of match with its reason and score, certain pairs first', async () => {
    const service = createDuplicatesService({ store: temp.store, identifyingAttributes: ['employeeNumber'] });
    const pairs = await service.listDuplicates(organisation);
    const summary = pairs.map((pair) => ({
      personas: pair.personas,
      codes: pair.reasons.map((reason) => reason.code),
      score: pair.score,
      isCertain: pair.isCertain,
    }));
    expect(summary).to.deep.equal([
      { personas: pairOf(ids.a, ids.b), codes: ['mbox_sha1sum'], score: 1, isCertain: true },
      { personas: pairOf(ids.c, ids.d), codes: ['email_case_variant'], score: 0.9, isCertain: false },
      { personas: pairOf(ids.i, ids.j), codes: ['identifying_attribute'], score: 0.8, isCertain: false },
      { personas: pairOf(ids.e, ids.f), codes: ['account_name'], score: 0.6, isCertain: false },
      { personas: pairOf(ids.g, ids.h), codes: ['display_name'], score: 0.4, isCertain: false },
    ]);
    // Without the attribute marked as identifying, equal attribute values mean nothing.
    const plain = await createDuplicatesService({ store: temp.store }).listDuplicates(organisation);
    expect(plain.map((pair) => pair.personas)).to.not.deep.include(pairOf(ids.i, ids.j));
  });

  it("answers one persona's suggestions, combining several reasons into one score", async () => {
    const service = createDuplicatesService({ store: temp.store });
    await temp.store.collection(COLLECTIONS.personas).updateOne({ _id: ids.f }, { $set: { name: 'Jd', updatedAt: new Date() } });
    const pairs = await service.suggestionsFor(organisation, ids.e);
    expect(pairs).to.have.length(1);
    expect(pairs[0].personas).to.deep.equal(pairOf(ids.e, ids.f));
    expect(pairs[0].reasons.map((reason) => reason.code).sort()).to.deep.equal(['account_name']);
    await temp.store.collection(COLLECTIONS.personas).updateOne({ _id: ids.f }, { $set: { name: 'Jane Doe', updatedAt: new Date() } });
    await temp.store.collection(COLLECTIONS.personas).updateOne({ _id: ids.e }, { $set: { name: 'jane doe', updatedAt: new Date() } });
    const both = await service.suggestionsFor(organisation, ids.e);
    expect(both[0].reasons.map((reason) => reason.code).sort()).to.deep.equal(['account_name', 'display_name']);
    expect(both[0].score).to.equal(0.76);
    expect(await service.suggestionsFor(organisation, ids.g)).to.have.length(1);
  });

  it('never suggests a dismissed pair again, nor a merged one; picks up new data incrementally', async () => {
    const service = createDuplicatesService({ store: temp.store });
    expect((await service.listDuplicates(organisation)).map((pair) => pair.personas)).to.deep.include(pairOf(ids.c, ids.d));
    await service.dismiss(organisation, [[ids.d, ids.c]], 'tester');
    await createMergeService({ store: temp.store }).mergePersonas({ organisation, targetId: ids.g, sourceIds: [ids.h], actor: 'tester' });
    const k = await seedPersona(temp.store, organisation, { name: 'Kim' });
    await seedIdentifier(temp.store, organisation, k, account('http://c.example.org', 'jdoe'));
    const pairs = (await service.listDuplicates(organisation)).map((pair) => pair.personas);
    expect(pairs).to.not.deep.include(pairOf(ids.c, ids.d));
    expect(pairs).to.not.deep.include(pairOf(ids.g, ids.h));
    expect(pairs).to.deep.include(pairOf(ids.e, k));
    expect(pairs).to.deep.include(pairOf(ids.f, k));
    expect(await service.suggestionsFor(organisation, ids.c)).to.deep.equal([]);
  });

  it('re-indexes only what was written since the last refresh, once', async () => {
    const service = createDuplicatesService({ store: temp.store });
    await service.refresh(organisation);
    const personas = temp.store.collection(COLLECTIONS.personas);
    await personas.updateMany({ organisation, _id: { $in: [ids.a, ids.c] } }, { $set: { name: 'Renamed', updatedAt: new Date() } });
    expect(await service.refresh(organisation)).to.equal(2);
    expect(await service.refresh(organisation)).to.equal(0);
  });

  it('sees a write stamped an hour before the last refresh, committed after it (a skewed clock or a slow commit: review finding 10)', async () => {
    const service = createDuplicatesService({ store: temp.store });
    // Two refreshes: before the fix the second re-read the seeding (within its 5 s overlap) and remembered it.
    await service.refresh(organisation);
    await service.refresh(organisation);
    // Before the fix each refresh read updatedAt > (previous refresh start - 5 s): this write was never seen.
    const stampedLongAgo = new Date(Date.now() - 3_600_000);
    await seedIdentifier(temp.store, organisation, ids.g, account('http://late.example.org', 'jdoe'));
    await temp.store
      .collection(COLLECTIONS.identifiers)
      .updateMany({ organisation, persona: ids.g }, { $set: { createdAt: stampedLongAgo, updatedAt: stampedLongAgo } });
    expect(await service.refresh(organisation)).to.equal(1);
    expect((await service.suggestionsFor(organisation, ids.g)).map((pair) => pair.personas)).to.deep.include(pairOf(ids.e, ids.g));
    expect(await service.refresh(organisation)).to.equal(0);
  });

  it('a refresh that finds nothing written since the last one writes nothing', async () => {
    const service = createDuplicatesService({ store: temp.store });
    await service.refresh(organisation);
    const state = () => temp.store.collection(DUPLICATE_STATE_COLLECTION).findOne({ _id: organisation });
    const before = await state();
    expect(await service.refresh(organisation)).to.equal(0);
    expect(await state()).to.deep.equal(before);
    await temp.store.collection(COLLECTIONS.personas).updateOne({ organisation, _id: ids.i }, { $set: { name: 'Zoe Martin' } });
    expect(await service.refresh(organisation)).to.equal(1);
    expect((await state())!.changeToken).to.not.equal(before!.changeToken);
    expect((await service.listDuplicates(organisation)).map((pair) => pair.personas)).to.deep.include(pairOf(ids.g, ids.i));
  });

  it('rebuilds the whole index when the store no longer holds the changes after the stored position', async () => {
    const service = createDuplicatesService({ store: temp.store });
    await service.refresh(organisation);
    // As after a trimmed change log or a rolled-over oplog: the store answers historyLost for this token.
    await temp.store
      .collection(DUPLICATE_STATE_COLLECTION)
      .updateOne({ _id: organisation }, { $set: { changeToken: 'forgotten-position' } });
    await temp.store.collection(COLLECTIONS.personas).updateOne({ organisation, _id: ids.i }, { $set: { name: 'Zoe Martin' } });
    const personas = await temp.store.collection(COLLECTIONS.personas).countDocuments({ organisation, mergedInto: { $exists: false } });
    expect(await service.refresh(organisation)).to.equal(personas);
    expect((await service.listDuplicates(organisation)).map((pair) => pair.personas)).to.deep.include(pairOf(ids.g, ids.i));
    expect(await service.refresh(organisation)).to.equal(0);
  });

  it('auto-merges certain pairs only when enabled, recorded in the history like a manual merge', async () => {
    const mergeService = createMergeService({ store: temp.store });
    expect(await createDuplicatesService({ store: temp.store, mergeService }).applyAutoMerges(organisation)).to.deep.equal([]);
    const merged = await createDuplicatesService({ store: temp.store, mergeService, autoMergeCertain: true }).applyAutoMerges(organisation);
    expect(merged).to.have.length(1);
    const history = await mergeService.listMerges({ organisation });
    expect(history.data.map((merge) => ({ actor: merge.actor, personas: [merge.target, ...merge.sources].sort() }))).to.deep.equal([
      { actor: 'auto-merge', personas: pairOf(ids.a, ids.b) },
    ]);
  });
});
