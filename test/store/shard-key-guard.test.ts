// The test-only shard-key guard the end-to-end suites run their store through (test/support/shard-key-guard.ts) is
// not vacuous: it refuses what a cluster sharded by organisation would broadcast or refuse, and only that.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { guardShardKeys } from '../support/shard-key-guard.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

describe('shard-key guard (test support)', () => {
  let temp: TempStore;
  const organisation = new ObjectId();
  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
  });
  afterEach(async () => temp.close());

  it('refuses filters, upserts and documents without organisation on sharded collections, and records them', async () => {
    const store = guardShardKeys(temp.store);
    const attributes = store.collection('personaAttributes');
    const _id = new ObjectId();
    await attributes.insertOne({ _id, organisation, personaId: new ObjectId(), key: 'k', value: 1 });
    expect(await attributes.countDocuments({ organisation })).to.equal(1);
    expect(
      await attributes.countDocuments({
        $or: [
          { organisation, key: 'k' },
          { organisation, key: 'j' },
        ],
      }),
    ).to.equal(1);
    const refusals = [
      () => attributes.find({ _id }),
      () => attributes.countDocuments({ $or: [{ organisation }, { key: 'k' }] }),
      () => attributes.bulkWrite([{ updateOne: { filter: { _id }, update: { $setOnInsert: { key: 'k' } }, upsert: true } }]),
      () => attributes.findOneAndUpdate({ _id }, { $set: { value: 2 } }),
      () => attributes.insertOne({ personaId: new ObjectId(), key: 'x', value: 1 }),
    ];
    for (const refused of refusals) expect(() => refused()).to.throw(/without organisation/);
    expect(store.violations).to.have.length(refusals.length);
    expect(store.violations[0]).to.match(/^personaAttributes\.find without organisation/);
    // Unsharded collections (merge records, clients) may be addressed by _id alone.
    expect(await store.collection('personaMerges').findOne({ _id })).to.equal(null);
  });
});
