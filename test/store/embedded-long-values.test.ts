// Values longer than LMDB's key limit in indexed fields: MongoDB indexes them, so must we — equality lookups,
// unique indexes and $in keep their meaning for long strings that share a long prefix.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

describe('embedded store: long values in indexed fields', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempEmbeddedStore({ indexes: false });
  });
  afterEach(async () => temp.close());

  const prefix = 'x'.repeat(3000);

  it('indexes, finds and enforces uniqueness on strings far over the key limit', async () => {
    const collection = temp.store.collection('long');
    await collection.createIndex({ organisation: 1, value: 1 }, { unique: true });
    const organisation = new ObjectId();
    await collection.insertMany([
      { organisation, value: `${prefix}-a` },
      { organisation, value: `${prefix}-b` },
      { organisation, value: 'short' },
    ]);
    expect(await collection.findOne({ organisation, value: `${prefix}-b` })).to.include({ value: `${prefix}-b` });
    expect(await collection.findOne({ organisation, value: `${prefix}-c` })).to.equal(null);
    expect(
      (await collection.find({ organisation, value: { $in: [`${prefix}-a`, 'short'] } })).map((doc) => doc.value.slice(-2)).sort(),
    ).to.deep.equal(['-a', 'rt']);
    const duplicate = await collection.insertOne({ organisation, value: `${prefix}-a` }).then(
      () => null,
      (error) => error,
    );
    expect(duplicate?.code).to.equal(11000);
    const plan = await collection.explain({ organisation, value: `${prefix}-a` });
    expect(plan).to.include({ indexName: 'organisation_1_value_1', docsExamined: 1, nReturned: 1 });
    expect(await collection.countDocuments({ organisation })).to.equal(3);
  });

  it('updates and deletes documents whose indexed value is long', async () => {
    const collection = temp.store.collection('long');
    await collection.createIndex({ value: 1 });
    await collection.insertOne({ value: `${prefix}-a` });
    await collection.updateOne({ value: `${prefix}-a` }, { $set: { value: `${prefix}-z` } });
    expect(await collection.countDocuments({ value: `${prefix}-a` })).to.equal(0);
    expect((await collection.deleteOne({ value: `${prefix}-z` })).deletedCount).to.equal(1);
  });
});
