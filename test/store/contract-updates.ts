// Contract: update operators (dotted paths), immutable _id, upsert rules, replaceOne, findOneAndUpdate.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import type { ContractFixture } from './contract.ts';

export function describeUpdateContract(fixture: ContractFixture): void {
  describe('updates', function () {
    it('applies $set $unset $inc $push $addToSet $pull $min $max $currentDate $rename on dotted paths', async function () {
      const collection = fixture.collection();
      await collection.insertOne({ _id: 'u', a: { b: 1 }, n: 5, lo: 5, hi: 5, tags: ['x'], set: ['p'], old: 'name', gone: true });
      const before = Date.now();
      const result = await collection.updateOne(
        { _id: 'u' },
        {
          $set: { 'a.c': 2, 'deep.er.path': 'v' },
          $unset: { gone: '' },
          $inc: { n: 2, 'a.b': 10 },
          $push: { tags: 'y' },
          $addToSet: { set: 'p' },
          $min: { lo: 3 },
          $max: { hi: 9 },
          $currentDate: { touchedAt: true },
          $rename: { old: 'renamed' },
        },
      );
      expect(result).to.include({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
      const document = (await collection.findOne({ _id: 'u' }))!;
      expect(document.a).to.deep.equal({ b: 11, c: 2 });
      expect(document.deep).to.deep.equal({ er: { path: 'v' } });
      expect(document).to.not.have.property('gone');
      expect(document).to.include({ n: 7, lo: 3, hi: 9, renamed: 'name' });
      expect(document).to.not.have.property('old');
      expect(document.tags).to.deep.equal(['x', 'y']);
      expect(document.set).to.deep.equal(['p']);
      expect(document.touchedAt).to.be.instanceOf(Date);
      expect(document.touchedAt.getTime()).to.be.at.least(before - 1000);
      await collection.updateOne({ _id: 'u' }, { $pull: { tags: 'x' }, $addToSet: { set: 'q' } });
      const after = (await collection.findOne({ _id: 'u' }))!;
      expect(after.tags).to.deep.equal(['y']);
      expect(after.set).to.deep.equal(['p', 'q']);
    });

    it('reports an update that changes nothing as matched but not modified', async function () {
      const collection = fixture.collection();
      await collection.insertOne({ _id: 1, v: 1 });
      expect(await collection.updateOne({ _id: 1 }, { $set: { v: 1 } })).to.include({ matchedCount: 1, modifiedCount: 0 });
      expect(await collection.updateOne({ _id: 2 }, { $set: { v: 1 } })).to.include({
        matchedCount: 0,
        modifiedCount: 0,
        upsertedCount: 0,
      });
    });

    it('updateMany updates every match', async function () {
      const collection = fixture.collection();
      await collection.insertMany([
        { g: 1, v: 0 },
        { g: 1, v: 0 },
        { g: 2, v: 0 },
      ]);
      expect(await collection.updateMany({ g: 1 }, { $inc: { v: 1 } })).to.include({ matchedCount: 2, modifiedCount: 2 });
      expect(await collection.countDocuments({ v: 1 })).to.equal(2);
    });

    it('refuses to change _id', async function () {
      const collection = fixture.collection();
      await collection.insertOne({ _id: 'keep', v: 1 });
      const error = await collection.updateOne({ _id: 'keep' }, { $set: { _id: 'other' } }).then(
        () => null,
        (caught) => caught,
      );
      expect(error).to.not.equal(null);
      expect(await collection.findOne({ _id: 'keep' })).to.deep.equal({ _id: 'keep', v: 1 });
    });

    it('upsert inserts the filter equality fields (dotted → nested, $and) plus $setOnInsert and the other operators', async function () {
      const collection = fixture.collection();
      const organisation = new ObjectId();
      const result = await collection.updateOne(
        { $and: [{ organisation }, { 'ifi.key': 'mbox' }], 'ifi.value': 'mailto:a@b.org', count: { $gt: 0 } },
        { $setOnInsert: { persona: 'p1' }, $inc: { seen: 1 }, $set: { updatedAt: new Date(5) } },
        { upsert: true },
      );
      expect(result.upsertedCount).to.equal(1);
      expect(result.upsertedId).to.be.instanceOf(ObjectId);
      const { _id, ...document } = (await collection.findOne({ _id: result.upsertedId }))!;
      expect(document).to.deep.equal({
        organisation,
        ifi: { key: 'mbox', value: 'mailto:a@b.org' },
        persona: 'p1',
        seen: 1,
        updatedAt: new Date(5),
      });
      const second = await collection.updateOne(
        { organisation, 'ifi.key': 'mbox', 'ifi.value': 'mailto:a@b.org' },
        { $setOnInsert: { persona: 'p2' }, $inc: { seen: 1 } },
        { upsert: true },
      );
      expect(second).to.include({ matchedCount: 1, upsertedCount: 0 });
      expect(second.upsertedId).to.equal(null);
      expect(await collection.findOne({ _id })).to.deep.include({ persona: 'p1', seen: 2 });
    });

    it('upsert keeps an _id given by the filter', async function () {
      const collection = fixture.collection();
      const id = new ObjectId();
      const result = await collection.updateOne({ _id: id }, { $set: { v: 1 } }, { upsert: true });
      expect(result.upsertedId.toHexString()).to.equal(id.toHexString());
      expect(await collection.findOne({ _id: id })).to.deep.equal({ _id: id, v: 1 });
    });

    it('findOneAndUpdate returns the document before (default) or after, upserting when asked', async function () {
      const collection = fixture.collection();
      await collection.insertOne({ _id: 'f', n: 1 });
      expect(await collection.findOneAndUpdate({ _id: 'f' }, { $inc: { n: 1 } })).to.deep.equal({ _id: 'f', n: 1 });
      expect(await collection.findOneAndUpdate({ _id: 'f' }, { $inc: { n: 1 } }, { returnDocument: 'after' })).to.deep.equal({
        _id: 'f',
        n: 3,
      });
      expect(await collection.findOneAndUpdate({ _id: 'none' }, { $inc: { n: 1 } })).to.equal(null);
      expect(await collection.findOneAndUpdate({ key: 'k' }, { $setOnInsert: { v: 1 } }, { upsert: true })).to.equal(null);
      const created = await collection.findOneAndUpdate(
        { key: 'k2' },
        { $setOnInsert: { v: 2 } },
        { upsert: true, returnDocument: 'after', projection: { _id: 0 } },
      );
      expect(created).to.deep.equal({ key: 'k2', v: 2 });
      const first = await collection.findOneAndUpdate(
        { n: { $exists: false } },
        { $set: { picked: true } },
        { sort: { key: -1 }, returnDocument: 'after' },
      );
      expect(first!.key).to.equal('k2');
    });

    it('replaceOne replaces the whole document but keeps its _id, and upserts', async function () {
      const collection = fixture.collection();
      await collection.insertOne({ _id: 'r', a: 1, b: 2 });
      expect(await collection.replaceOne({ _id: 'r' }, { c: 3 })).to.include({ matchedCount: 1, modifiedCount: 1 });
      expect(await collection.findOne({ _id: 'r' })).to.deep.equal({ _id: 'r', c: 3 });
      const result = await collection.replaceOne({ name: 'new' }, { name: 'new', d: 4 }, { upsert: true });
      expect(result.upsertedCount).to.equal(1);
      expect(await collection.countDocuments({ name: 'new', d: 4 })).to.equal(1);
    });
  });
}
