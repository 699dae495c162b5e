// Contract: filters (nested paths, $in, ranges, $or, $exists, $regex, ObjectId comparisons), sort in MongoDB
// order on several keys, skip, limit, projection.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import type { ContractFixture } from './contract.ts';

export function describeQueryContract(fixture: ContractFixture): void {
  describe('queries', function () {
    it('matches nested dot paths such as ifi.value.homePage', async function () {
      const collection = fixture.collection();
      await collection.insertMany([
        { ifi: { key: 'account', value: { homePage: 'https://a.org', name: 'x' } } },
        { ifi: { key: 'account', value: { homePage: 'https://b.org', name: 'x' } } },
        { ifi: { key: 'mbox', value: 'mailto:a@b.org' } },
      ]);
      const found = await collection.find({ 'ifi.value.homePage': 'https://a.org', 'ifi.value.name': 'x' });
      expect(found).to.have.length(1);
      expect(found[0].ifi.value.homePage).to.equal('https://a.org');
      expect(await collection.countDocuments({ 'ifi.value': 'mailto:a@b.org' })).to.equal(1);
      expect(await collection.countDocuments({ 'ifi.value': { homePage: 'https://b.org', name: 'x' } })).to.equal(1);
    });

    it('compares ObjectIds by value in equality, $in, $ne and $nin', async function () {
      const collection = fixture.collection();
      const [a, b, c] = [new ObjectId(), new ObjectId(), new ObjectId()];
      await collection.insertMany([{ ref: a }, { ref: b }, { ref: c }]);
      const copy = (id: ObjectId) => new ObjectId(id.toHexString());
      expect(await collection.countDocuments({ ref: copy(a) })).to.equal(1);
      expect(await collection.countDocuments({ ref: { $in: [copy(a), copy(c)] } })).to.equal(2);
      expect(await collection.countDocuments({ ref: { $ne: copy(a) } })).to.equal(2);
      expect(await collection.countDocuments({ ref: { $nin: [copy(a), copy(b)] } })).to.equal(1);
      const ids = (await collection.find({})).map((document) => document._id);
      expect(await collection.countDocuments({ _id: { $in: ids.slice(0, 2).map(copy) } })).to.equal(2);
    });

    it('supports $in, ranges on numbers, strings and dates, $or, $exists and $regex', async function () {
      const collection = fixture.collection();
      const day = (n: number) => new Date(Date.UTC(2024, 0, n));
      await collection.insertMany([
        { n: 1, s: 'apple', at: day(1), tag: 'x' },
        { n: 5, s: 'banana', at: day(5) },
        { n: 10, s: 'cherry', at: day(10), tag: null },
        { n: 'ten', s: 'Date', at: 'not a date' },
      ]);
      const ns = async (filter: object) => (await collection.find(filter, { sort: { s: 1 } })).map((document) => document.s);
      expect(await ns({ n: { $in: [1, 10, 99] } })).to.deep.equal(['apple', 'cherry']);
      expect(await ns({ n: { $gt: 1, $lte: 10 } })).to.deep.equal(['banana', 'cherry']);
      expect(await ns({ n: { $gte: 5 } })).to.deep.equal(['banana', 'cherry']);
      expect(await ns({ s: { $lt: 'banana' } })).to.deep.equal(['Date', 'apple']);
      expect(await ns({ at: { $gte: day(2), $lt: day(10) } })).to.deep.equal(['banana']);
      expect(await ns({ $or: [{ n: 1 }, { s: 'cherry' }] })).to.deep.equal(['apple', 'cherry']);
      expect(await ns({ tag: { $exists: true } })).to.deep.equal(['apple', 'cherry']);
      expect(await ns({ tag: { $exists: false } })).to.deep.equal(['Date', 'banana']);
      expect(await ns({ tag: null })).to.deep.equal(['Date', 'banana', 'cherry']);
      expect(await ns({ s: { $regex: '^b' } })).to.deep.equal(['banana']);
      expect(await ns({ s: /^d/i })).to.deep.equal(['Date']);
      expect(await ns({ $and: [{ n: { $gte: 1 } }, { n: { $lt: 10 } }] })).to.deep.equal(['apple', 'banana']);
    });

    it('matches array fields by element', async function () {
      const collection = fixture.collection();
      await collection.insertMany([
        { k: 1, tags: ['a', 'b'] },
        { k: 2, tags: ['c'] },
        { k: 3, tags: [] },
      ]);
      expect((await collection.find({ tags: 'b' })).map((document) => document.k)).to.deep.equal([1]);
      expect((await collection.find({ tags: { $in: ['c', 'a'] } }, { sort: { k: 1 } })).map((document) => document.k)).to.deep.equal([
        1, 2,
      ]);
    });

    it('sorts on several keys with ties, in MongoDB type order with missing fields first', async function () {
      const collection = fixture.collection();
      await collection.insertMany([
        { name: 'b', rank: 2 },
        { name: 'a', rank: 2 },
        { name: 'c', rank: 1 },
        { name: 'd' },
        { name: 'e', rank: 'x' },
        { name: 'f', rank: 1 },
      ]);
      const names = async (sort: Record<string, 1 | -1>) => (await collection.find({}, { sort })).map((document) => document.name);
      expect(await names({ rank: 1, name: 1 })).to.deep.equal(['d', 'c', 'f', 'a', 'b', 'e']);
      expect(await names({ rank: -1, name: -1 })).to.deep.equal(['e', 'b', 'a', 'f', 'c', 'd']);
      expect(await names({ rank: 1, name: -1 })).to.deep.equal(['d', 'f', 'c', 'b', 'a', 'e']);
    });

    it('sorts ObjectIds and Dates by value', async function () {
      const collection = fixture.collection();
      const ids = [new ObjectId(), new ObjectId(), new ObjectId()];
      await collection.insertMany([
        { _id: ids[1], at: new Date(30) },
        { _id: ids[2], at: new Date(10) },
        { _id: ids[0], at: new Date(20) },
      ]);
      expect((await collection.find({}, { sort: { _id: -1 } })).map((document) => document._id.toHexString())).to.deep.equal(
        [ids[2], ids[1], ids[0]].map((id) => id.toHexString()),
      );
      expect((await collection.find({}, { sort: { at: 1 } })).map((document) => document.at.getTime())).to.deep.equal([10, 20, 30]);
    });

    it('skips, limits and pages deterministically', async function () {
      const collection = fixture.collection();
      await collection.insertMany(Array.from({ length: 12 }, (_, n) => ({ n, bucket: n % 3 })));
      const page = await collection.find({}, { sort: { n: 1 }, skip: 4, limit: 3 });
      expect(page.map((document) => document.n)).to.deep.equal([4, 5, 6]);
      const first = await collection.find({}, { sort: { bucket: 1 }, limit: 6 });
      const again = await collection.find({}, { sort: { bucket: 1 }, limit: 6 });
      expect(first.map((document) => document.n)).to.deep.equal(again.map((document) => document.n));
      expect(await collection.find({}, { limit: 0 })).to.have.length(12);
    });

    it('projects by inclusion and exclusion, including dotted paths', async function () {
      const collection = fixture.collection();
      await collection.insertOne({ _id: 'p', a: 1, b: { c: 2, d: 3 }, e: 4 });
      expect(await collection.findOne({}, { projection: { a: 1, 'b.c': 1 } })).to.deep.equal({ _id: 'p', a: 1, b: { c: 2 } });
      expect(await collection.findOne({}, { projection: { _id: 0, a: 1 } })).to.deep.equal({ a: 1 });
      expect(await collection.findOne({}, { projection: { b: 0, e: 0 } })).to.deep.equal({ _id: 'p', a: 1 });
      expect(await collection.findOne({}, { projection: { 'b.d': 0 } })).to.deep.equal({ _id: 'p', a: 1, b: { c: 2 }, e: 4 });
    });
  });
}
