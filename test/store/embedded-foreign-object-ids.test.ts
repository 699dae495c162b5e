// ObjectIds of another bson build (the MongoDB driver's CommonJS one, beside the service's ESM one) are stored as
// ObjectIds and match in every kind of filter: top-level and nested equality (mingo compares by class), `$in`, and
// an aggregation's `$match` after another stage.
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { freshDataDir } from './temp-dir.ts';

const CommonJsObjectId = createRequire(import.meta.url)('bson').ObjectId as typeof ObjectId;

describe('embedded store: ObjectIds of another bson build', () => {
  it('stores them as ObjectIds and matches them in nested filters, $in and pipelines', async () => {
    const EsmObjectId = (await import('bson')).ObjectId as typeof ObjectId;
    expect(EsmObjectId).to.not.equal(CommonJsObjectId);
    // Whichever build this file was loaded with, the other one is foreign to half the code.
    const OtherBuildObjectId = ObjectId === EsmObjectId ? CommonJsObjectId : EsmObjectId;
    const store = await openEmbeddedStore({ dataDir: freshDataDir(), mapSizeGb: 1 });
    try {
      const statements = store.collection('statements');
      const organisation = new ObjectId();
      const person = new ObjectId();
      await statements.insertOne({
        organisation: new OtherBuildObjectId(organisation.toHexString()),
        person: { _id: person, display: 'Ann' },
      });
      const [stored] = await statements.find({});
      expect(stored.organisation.toHexString()).to.equal(organisation.toHexString());
      const other = (id: ObjectId) => new OtherBuildObjectId(id.toHexString());
      expect(await statements.countDocuments({ organisation: other(organisation), 'person._id': other(person) })).to.equal(1);
      expect(await statements.countDocuments({ 'person._id': { $in: [other(person)] }, 'person.display': { $exists: true } })).to.equal(1);
      const grouped = await statements.aggregate([{ $project: { person: 1 } }, { $match: { 'person._id': other(person) } }]);
      expect(grouped).to.have.length(1);
    } finally {
      await store.close();
    }
  });
});
