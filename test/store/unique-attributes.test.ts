// One value per (organisation, persona, key) on every store: the unique index MongoDB needs to serialise concurrent
// attribute upserts (review finding 3), and the retry that turns a lost upsert race into an update.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { upsertRetryingDuplicateKey } from '../../src/store/port.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

describe('unique attributes', () => {
  let temp: TempStore;
  const organisation = new ObjectId();
  const personaId = new ObjectId();
  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
  });
  afterEach(async () => temp.close());

  it("the service's indexes refuse a second attribute with the same organisation, persona and key", async () => {
    const attributes = temp.store.collection(COLLECTIONS.attributes);
    await attributes.insertOne({ organisation, personaId, key: 'cohort', value: 'a' });
    const error = await attributes.insertOne({ organisation, personaId, key: 'cohort', value: 'b' }).catch((caught) => caught);
    expect(error.code).to.equal(11000);
    await attributes.insertOne({ organisation, personaId, key: 'team', value: 'b' });
    await attributes.insertOne({ organisation, personaId: new ObjectId(), key: 'cohort', value: 'b' });
    await attributes.insertOne({ organisation: new ObjectId(), personaId, key: 'cohort', value: 'b' });
    expect(await attributes.countDocuments({})).to.equal(4);
  });

  it("an upsert that lost the race for the key (11000) runs again and updates the winner's document", async () => {
    const attributes = temp.store.collection(COLLECTIONS.attributes);
    const filter = { organisation, personaId, key: 'cohort' };
    let attempts = 0;
    await upsertRetryingDuplicateKey(async () => {
      attempts += 1;
      // What MongoDB does to a losing upsert: both writers missed, the other one inserted first, this insert fails.
      if (attempts === 1) {
        await attributes.insertOne({ ...filter, value: 'winner' });
        return attributes.insertOne({ ...filter, value: 'mine' });
      }
      return attributes.updateOne(filter, { $set: { value: 'mine' } }, { upsert: true });
    });
    expect(attempts).to.equal(2);
    expect((await attributes.find(filter)).map((doc) => doc.value)).to.deep.equal(['mine']);
    const other = await upsertRetryingDuplicateKey(() => Promise.reject(Object.assign(new Error('stepdown'), { code: 189 }))).catch(
      (caught) => caught,
    );
    expect(other.code).to.equal(189);
  });
});
