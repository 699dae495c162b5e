// Contract: inserting, reading back (ObjectId/Date round trips), counting, deleting, iterating.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import type { ContractFixture } from './contract.ts';

export function describeCrudContract(fixture: ContractFixture): void {
  describe('documents', function () {
    it('insertOne assigns an ObjectId _id when absent and round-trips ObjectId, Date and nesting exactly', async function () {
      const collection = fixture.collection();
      const organisation = new ObjectId();
      const createdAt = new Date('2024-02-29T12:34:56.789Z');
      const { insertedId } = await collection.insertOne({
        organisation,
        createdAt,
        nested: { list: [1, 'two', { three: 3 }], flag: true, none: null },
      });
      expect(insertedId).to.be.instanceOf(ObjectId);
      const found = await collection.findOne({ _id: insertedId });
      expect(found!._id).to.be.instanceOf(ObjectId);
      expect(found!._id.equals(insertedId)).to.equal(true);
      expect(found!.organisation).to.be.instanceOf(ObjectId);
      expect(found!.organisation.toHexString()).to.equal(organisation.toHexString());
      expect(found!.createdAt).to.be.instanceOf(Date);
      expect(found!.createdAt.getTime()).to.equal(createdAt.getTime());
      expect(found!.nested).to.deep.equal({ list: [1, 'two', { three: 3 }], flag: true, none: null });
      expect(Object.keys(found!)).to.deep.equal(['_id', 'organisation', 'createdAt', 'nested']);
    });

    it('keeps a given _id (string or ObjectId) and refuses a second document with the same _id', async function () {
      const collection = fixture.collection();
      await collection.insertOne({ _id: 'fixed', a: 1 });
      const error = await collection.insertOne({ _id: 'fixed', a: 2 }).then(
        () => null,
        (caught) => caught,
      );
      expect(error).to.include({ code: 11000 });
      expect(await collection.countDocuments({})).to.equal(1);
      expect((await collection.findOne({ _id: 'fixed' }))!.a).to.equal(1);
    });

    it('insertMany reports every inserted _id by position', async function () {
      const collection = fixture.collection();
      const result = await collection.insertMany([{ n: 1 }, { n: 2 }, { _id: 'x', n: 3 }]);
      expect(result.insertedCount).to.equal(3);
      expect(result.insertedIds[2]).to.equal('x');
      expect(result.insertedIds[0]).to.be.instanceOf(ObjectId);
      expect(await collection.countDocuments({})).to.equal(3);
    });

    it('findOne returns null and find returns [] when nothing matches', async function () {
      const collection = fixture.collection();
      expect(await collection.findOne({ missing: 1 })).to.equal(null);
      expect(await collection.find({ missing: 1 })).to.deep.equal([]);
    });

    it('countDocuments honours the filter, skip and limit', async function () {
      const collection = fixture.collection();
      await collection.insertMany(Array.from({ length: 10 }, (_, n) => ({ n, even: n % 2 === 0 })));
      expect(await collection.countDocuments({ even: true })).to.equal(5);
      expect(await collection.countDocuments({})).to.equal(10);
      expect(await collection.countDocuments({}, { skip: 3, limit: 4 })).to.equal(4);
      expect(await collection.countDocuments({}, { skip: 8 })).to.equal(2);
    });

    it('deleteOne removes one match, deleteMany all matches', async function () {
      const collection = fixture.collection();
      await collection.insertMany([{ k: 'a' }, { k: 'a' }, { k: 'a' }, { k: 'b' }]);
      expect((await collection.deleteOne({ k: 'a' })).deletedCount).to.equal(1);
      expect(await collection.countDocuments({ k: 'a' })).to.equal(2);
      expect((await collection.deleteMany({ k: 'a' })).deletedCount).to.equal(2);
      expect((await collection.deleteMany({ k: 'zzz' })).deletedCount).to.equal(0);
      expect(await collection.find({}, { projection: { _id: 0 } })).to.deep.equal([{ k: 'b' }]);
    });

    it('findOneAndDelete returns the deleted document (first in sort order) and null when none matches', async function () {
      const collection = fixture.collection();
      await collection.insertMany([
        { k: 1, q: 'x' },
        { k: 3, q: 'x' },
        { k: 2, q: 'x' },
      ]);
      const deleted = await collection.findOneAndDelete({ q: 'x' }, { sort: { k: -1 } });
      expect(deleted!.k).to.equal(3);
      expect(await collection.countDocuments({})).to.equal(2);
      expect(await collection.findOneAndDelete({ q: 'nothing' })).to.equal(null);
    });

    it('iterate yields every match in bounded chunks, in sort order, honouring skip and limit', async function () {
      const collection = fixture.collection();
      await collection.insertMany(Array.from({ length: 25 }, (_, n) => ({ n, group: n % 2 })));
      const seen: number[] = [];
      for await (const document of collection.iterate({ group: 0 }, { sort: { n: 1 }, batchSize: 4 })) seen.push(document.n);
      expect(seen).to.deep.equal([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
      const page: number[] = [];
      for await (const document of collection.iterate({}, { sort: { n: -1 }, skip: 2, limit: 5, batchSize: 2 })) page.push(document.n);
      expect(page).to.deep.equal([22, 21, 20, 19, 18]);
      let count = 0;
      for await (const _document of collection.iterate({}, { batchSize: 7 })) count += 1;
      expect(count).to.equal(25);
    });

    it('ping answers', async function () {
      await fixture.store().ping();
    });
  });
}
