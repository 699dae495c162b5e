// Contract: bulkWrite (ordered stops at the first error, unordered attempts all in array order; errors reported by
// operation index, never thrown, with index, code and errmsg only: the driver drops keyPattern/keyValue from bulk
// write errors), insertMany errors, applyAtomically all-or-nothing.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import type { ContractFixture } from './contract.ts';

export function describeBulkAndAtomicContract(fixture: ContractFixture): void {
  describe('bulk writes', function () {
    async function keyedCollection() {
      const collection = fixture.collection();
      await collection.createIndex({ organisation: 1, key: 1 }, { unique: true });
      return collection;
    }

    it('unordered: attempts every operation and reports each failure with its index', async function () {
      const collection = await keyedCollection();
      const organisation = new ObjectId();
      await collection.insertOne({ organisation, key: 'taken' });
      const result = await collection.bulkWrite(
        [
          { insertOne: { document: { organisation, key: 'taken' } } },
          { updateOne: { filter: { organisation, key: 'new1' }, update: { $setOnInsert: { v: 1 } }, upsert: true } },
          { insertOne: { document: { organisation, key: 'new1' } } },
          { updateOne: { filter: { organisation, key: 'taken' }, update: { $set: { v: 2 } }, upsert: true } },
          { insertOne: { document: { organisation, key: 'new2' } } },
        ],
        { ordered: false },
      );
      // Op 2 fails because op 1's upsert ran before it: array order, even unordered.
      expect(result.writeErrors.map((error) => [error.index, error.code])).to.deep.equal([
        [0, 11000],
        [2, 11000],
      ]);
      expect(result.writeErrors[0].errmsg).to.match(/duplicate key/);
      expect(result).to.include({ insertedCount: 1, upsertedCount: 1, matchedCount: 1, modifiedCount: 1 });
      expect(Object.keys(result.upsertedIds)).to.deep.equal(['1']);
      expect(Object.keys(result.insertedIds)).to.deep.equal(['4']);
      expect(await collection.countDocuments({})).to.equal(3);
    });

    it('ordered (the default): stops at the first error and keeps what came before it', async function () {
      const collection = await keyedCollection();
      const organisation = new ObjectId();
      const result = await collection.bulkWrite([
        { insertOne: { document: { organisation, key: 'a' } } },
        { insertOne: { document: { organisation, key: 'a' } } },
        { insertOne: { document: { organisation, key: 'b' } } },
      ]);
      expect(result.writeErrors.map((error) => error.index)).to.deep.equal([1]);
      expect(result.insertedCount).to.equal(1);
      expect(await collection.countDocuments({})).to.equal(1);
    });

    it('applies updateMany, replaceOne, deleteOne and deleteMany operations', async function () {
      const collection = fixture.collection();
      await collection.insertMany([
        { _id: 1, g: 'a' },
        { _id: 2, g: 'a' },
        { _id: 3, g: 'b' },
        { _id: 4, g: 'c' },
      ]);
      const result = await collection.bulkWrite([
        { updateMany: { filter: { g: 'a' }, update: { $set: { seen: true } } } },
        { replaceOne: { filter: { _id: 3 }, replacement: { g: 'b2' } } },
        { deleteOne: { filter: { g: 'a' } } },
        { deleteMany: { filter: { g: { $in: ['c', 'zz'] } } } },
      ]);
      expect(result).to.include({ matchedCount: 3, modifiedCount: 3, deletedCount: 2 });
      expect(result.writeErrors).to.deep.equal([]);
      expect(await collection.find({}, { sort: { _id: 1 } })).to.deep.equal([
        { _id: 2, g: 'a', seen: true },
        { _id: 3, g: 'b2' },
      ]);
    });

    it('insertMany throws code 11000 with writeErrors; unordered still inserts the others', async function () {
      const collection = await keyedCollection();
      const organisation = new ObjectId();
      const error = await collection
        .insertMany(
          [
            { organisation, key: 'x' },
            { organisation, key: 'x' },
            { organisation, key: 'y' },
          ],
          { ordered: false },
        )
        .then(
          () => null,
          (caught) => caught,
        );
      expect(error.code).to.equal(11000);
      expect(error.writeErrors.map((writeError: any) => writeError.index)).to.deep.equal([1]);
      expect(await collection.countDocuments({})).to.equal(2);
      const ordered = await collection
        .insertMany([
          { organisation, key: 'z' },
          { organisation, key: 'x' },
          { organisation, key: 'w' },
        ])
        .then(
          () => null,
          (caught) => caught,
        );
      expect(ordered.code).to.equal(11000);
      expect(await collection.countDocuments({ key: { $in: ['z', 'w'] } })).to.equal(1);
    });
  });

  describe('applyAtomically', function () {
    it('applies operations on several collections together', async function () {
      const store = fixture.store();
      if (!store.applyAtomically) this.skip();
      const [left, right] = [fixture.collection(), fixture.collection()];
      await right.insertOne({ _id: 'r', v: 1 });
      const result = await store.applyAtomically!([
        { collection: left.name, insertOne: { document: { _id: 'l', v: 1 } } },
        { collection: right.name, updateOne: { filter: { _id: 'r' }, update: { $inc: { v: 1 } } } },
      ]);
      expect(result).to.include({ insertedCount: 1, modifiedCount: 1 });
      expect((await right.findOne({ _id: 'r' }))!.v).to.equal(2);
      expect(await left.countDocuments({})).to.equal(1);
    });

    it('refuses an empty operation list', async function () {
      const store = fixture.store();
      if (!store.applyAtomically) this.skip();
      const error = await store.applyAtomically!([]).then(
        () => null,
        (caught) => caught,
      );
      expect(error?.message).to.match(/at least one operation/);
    });

    it('applies nothing when one operation fails, and throws', async function () {
      const store = fixture.store();
      if (!store.applyAtomically) this.skip();
      const [left, right] = [fixture.collection(), fixture.collection()];
      await right.createIndex({ key: 1 }, { unique: true });
      await right.insertOne({ key: 'taken', v: 0 });
      const error = await store.applyAtomically!([
        { collection: left.name, insertOne: { document: { _id: 'l' } } },
        { collection: right.name, updateOne: { filter: { key: 'taken' }, update: { $inc: { v: 1 } } } },
        { collection: right.name, insertOne: { document: { key: 'taken' } } },
      ]).then(
        () => null,
        (caught) => caught,
      );
      expect(error?.code).to.equal(11000);
      expect(await left.countDocuments({})).to.equal(0);
      expect((await right.findOne({ key: 'taken' }))!.v).to.equal(0);
    });
  });
}
