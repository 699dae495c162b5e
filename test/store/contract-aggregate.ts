// Contract: aggregation stages the domain uses, including $lookup across collections and ObjectId group keys.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import type { ContractFixture } from './contract.ts';

export function describeAggregateContract(fixture: ContractFixture): void {
  describe('aggregate', function () {
    it('runs $match $group $sort $skip $limit $project $count $unwind', async function () {
      const collection = fixture.collection();
      const [a, b] = [new ObjectId(), new ObjectId()];
      await collection.insertMany([
        { persona: a, n: 1, tags: ['x', 'y'] },
        { persona: a, n: 2, tags: ['x'] },
        { persona: b, n: 5, tags: [] },
        { persona: b, n: 7, tags: ['z'] },
        { persona: null, n: 100 },
      ]);
      const grouped = await collection.aggregate([
        { $match: { n: { $lt: 50 } } },
        { $group: { _id: '$persona', total: { $sum: '$n' }, count: { $sum: 1 } } },
        { $sort: { total: -1 } },
      ]);
      expect(grouped.map((group) => [group._id.toHexString(), group.total, group.count])).to.deep.equal([
        [b.toHexString(), 12, 2],
        [a.toHexString(), 3, 2],
      ]);
      const paged = await collection.aggregate([{ $sort: { n: 1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 0, n: 1 } }]);
      expect(paged).to.deep.equal([{ n: 2 }, { n: 5 }]);
      expect(await collection.aggregate([{ $match: { persona: a } }, { $count: 'total' }])).to.deep.equal([{ total: 2 }]);
      const unwound = await collection.aggregate([
        { $unwind: '$tags' },
        { $group: { _id: '$tags', c: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]);
      expect(unwound).to.deep.equal([
        { _id: 'x', c: 2 },
        { _id: 'y', c: 1 },
        { _id: 'z', c: 1 },
      ]);
    });

    it('$lookup joins another collection on ObjectId fields', async function () {
      const personas = fixture.collection();
      const identifiers = fixture.collection();
      const [p1, p2] = [new ObjectId(), new ObjectId()];
      await personas.insertMany([
        { _id: p1, name: 'one' },
        { _id: p2, name: 'two' },
      ]);
      await identifiers.insertMany([
        { persona: new ObjectId(p1.toHexString()), key: 'a' },
        { persona: p1, key: 'b' },
        { persona: p2, key: 'c' },
      ]);
      const joined = await personas.aggregate([
        { $match: { name: 'one' } },
        { $lookup: { from: identifiers.name, localField: '_id', foreignField: 'persona', as: 'identifiers' } },
        { $project: { name: 1, keys: '$identifiers.key' } },
      ]);
      expect(joined).to.have.length(1);
      expect([...joined[0].keys].sort()).to.deep.equal(['a', 'b']);
    });
  });
}
