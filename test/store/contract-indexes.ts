// Contract: unique indexes (single, compound, null/missing, sparse), driver-shaped duplicate key errors,
// createIndex over existing (violating) data, idempotence, listIndexes, hint.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { isDuplicateKeyError } from '../../src/store/port.ts';
import type { ContractFixture } from './contract.ts';

const rejection = (promise: Promise<unknown>): Promise<any> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error) => error,
  );

export function describeIndexContract(fixture: ContractFixture): void {
  describe('indexes', function () {
    it('a unique index refuses a duplicate with code 11000, keyPattern, keyValue and errmsg naming the index', async function () {
      const collection = fixture.collection();
      await collection.createIndex({ key: 1 }, { unique: true });
      await collection.insertOne({ key: 'k1' });
      const error = await rejection(collection.insertOne({ key: 'k1' }));
      expect(isDuplicateKeyError(error)).to.equal(true);
      expect(error.keyPattern).to.deep.equal({ key: 1 });
      expect(error.keyValue).to.deep.equal({ key: 'k1' });
      expect(error.errmsg ?? error.message).to.match(/E11000 duplicate key error collection: \S+\.\S+ index: key_1 dup key/);
      expect(await collection.countDocuments({})).to.equal(1);
    });

    it('a compound unique index refuses only the same combination, reporting every field in keyValue', async function () {
      const collection = fixture.collection();
      const organisation = new ObjectId();
      await collection.createIndex({ organisation: 1, canonicalKey: 1 }, { unique: true });
      await collection.insertOne({ organisation, canonicalKey: 'mbox|a' });
      await collection.insertOne({ organisation, canonicalKey: 'mbox|b' });
      await collection.insertOne({ organisation: new ObjectId(), canonicalKey: 'mbox|a' });
      const error = await rejection(collection.insertOne({ organisation, canonicalKey: 'mbox|a' }));
      expect(error.code).to.equal(11000);
      expect(error.keyPattern).to.deep.equal({ organisation: 1, canonicalKey: 1 });
      expect(error.keyValue.canonicalKey).to.equal('mbox|a');
      expect(error.keyValue.organisation.toHexString()).to.equal(organisation.toHexString());
    });

    it('indexes a missing field as null: a unique index allows one document without the field, a sparse one many', async function () {
      const collection = fixture.collection();
      await collection.createIndex({ slug: 1 }, { unique: true });
      await collection.insertOne({ name: 'no slug' });
      expect((await rejection(collection.insertOne({ name: 'no slug either' }))).code).to.equal(11000);
      expect((await rejection(collection.insertOne({ slug: null }))).code).to.equal(11000);
      const sparse = fixture.collection();
      await sparse.createIndex({ slug: 1 }, { unique: true, sparse: true });
      await sparse.insertMany([{ name: 'a' }, { name: 'b' }, { slug: 's' }]);
      expect((await rejection(sparse.insertOne({ slug: 's' }))).code).to.equal(11000);
      expect(await sparse.countDocuments({})).to.equal(3);
      expect(await sparse.countDocuments({ slug: null })).to.equal(2);
    });

    it('an update that would collide with another document under a unique index fails and changes nothing', async function () {
      const collection = fixture.collection();
      await collection.createIndex({ email: 1 }, { unique: true });
      await collection.insertMany([
        { _id: 1, email: 'a' },
        { _id: 2, email: 'b' },
      ]);
      expect((await rejection(collection.updateOne({ _id: 2 }, { $set: { email: 'a' } }))).code).to.equal(11000);
      expect((await collection.findOne({ _id: 2 }))!.email).to.equal('b');
      await collection.updateOne({ _id: 2 }, { $set: { email: 'c' } });
      await collection.insertOne({ _id: 3, email: 'b' });
      expect(await collection.countDocuments({})).to.equal(3);
    });

    it('createIndex builds over existing data, is idempotent, and refuses a unique index the data violates', async function () {
      const collection = fixture.collection();
      await collection.insertMany([
        { k: 1, v: 'x' },
        { k: 2, v: 'x' },
        { k: 3, v: 'y' },
      ]);
      expect(await collection.createIndex({ k: 1 }, { unique: true })).to.equal('k_1');
      expect(await collection.createIndex({ k: 1 }, { unique: true })).to.equal('k_1');
      expect((await rejection(collection.insertOne({ k: 2 }))).code).to.equal(11000);
      const error = await rejection(collection.createIndex({ v: 1 }, { unique: true }));
      expect(error.code).to.equal(11000);
      const names = (await collection.listIndexes()).map((index) => index.name);
      expect(names).to.include('_id_').and.include('k_1').and.not.include('v_1');
      await collection.insertOne({ k: 4, v: 'x' });
      expect(await collection.countDocuments({ v: 'x' })).to.equal(3);
    });

    it('listIndexes describes keys, names and options', async function () {
      const collection = fixture.collection();
      await collection.createIndex({ organisation: 1, 'ifi.key': 1 }, { name: 'by_ifi' });
      await collection.createIndex({ organisation: 1, createdAt: -1 }, { unique: true, sparse: true });
      const indexes = await collection.listIndexes();
      const byName = Object.fromEntries(indexes.map((index) => [index.name, index]));
      expect(byName._id_.key).to.deep.equal({ _id: 1 });
      expect(byName.by_ifi.key).to.deep.equal({ organisation: 1, 'ifi.key': 1 });
      expect(byName.by_ifi.unique ?? false).to.equal(false);
      expect(byName['organisation_1_createdAt_-1']).to.deep.include({ unique: true, sparse: true });
    });

    it('dropIndex removes an index by name so it can be rebuilt with other options; an unknown name fails with code 27', async function () {
      const collection = fixture.collection();
      await collection.createIndex({ personaId: 1, key: 1 });
      await collection.insertMany([
        { personaId: 1, key: 'a' },
        { personaId: 1, key: 'b' },
      ]);
      // The same keys with other options are refused while the old index exists (MongoDB's IndexOptionsConflict).
      await rejection(collection.createIndex({ personaId: 1, key: 1 }, { unique: true }));
      await collection.dropIndex('personaId_1_key_1');
      expect((await collection.listIndexes()).map((index) => index.name)).to.deep.equal(['_id_']);
      await collection.createIndex({ personaId: 1, key: 1 }, { unique: true });
      expect((await rejection(collection.insertOne({ personaId: 1, key: 'a' }))).code).to.equal(11000);
      expect(
        (await collection.find({ personaId: 1 }, { hint: 'personaId_1_key_1', sort: { key: 1 } })).map((doc) => doc.key),
      ).to.deep.equal(['a', 'b']);
      expect((await rejection(collection.dropIndex('no_such_index'))).code).to.equal(27);
    });

    it('a find with a hint uses the named index, and fails for an unknown one', async function () {
      const collection = fixture.collection();
      await collection.createIndex({ a: 1 });
      await collection.insertMany([{ a: 2 }, { a: 1 }]);
      expect((await collection.find({ a: { $gte: 1 } }, { hint: 'a_1' })).map((document) => document.a).sort()).to.deep.equal([1, 2]);
      expect((await collection.find({}, { hint: { a: 1 }, sort: { a: 1 } })).map((document) => document.a)).to.deep.equal([1, 2]);
      await rejection(collection.find({}, { hint: 'no_such_index' }));
    });

    it('explain names the index serving an equality query', async function () {
      const collection = fixture.collection();
      await collection.createIndex({ organisation: 1, canonicalKey: 1 }, { unique: true });
      const organisation = new ObjectId();
      await collection.insertMany(Array.from({ length: 20 }, (_, n) => ({ organisation, canonicalKey: `k${n}` })));
      const plan = await collection.explain({ organisation, canonicalKey: 'k3' });
      expect(plan.indexName).to.equal('organisation_1_canonicalKey_1');
      expect(plan.nReturned).to.equal(1);
      expect(plan.docsExamined).to.equal(1);
    });
  });
}
