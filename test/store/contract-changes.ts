// Contract: changeToken/changesSince, the store's commit-ordered change feed (embedded: a change log written in each
// write's own transaction; MongoDB: a change stream). What it promises: every insert, update, replace and upsert of
// a document of the named collections carrying the organisation, committed after the token, in commit order, with a
// token to resume from; never another organisation's or collection's writes; ChangeHistoryLost for a token the store
// cannot resume from. What it does not use: the documents' own timestamps (review finding 10).
import { expect } from 'chai';
import { ObjectId } from 'bson';
import type { Store } from '../../src/store/port.ts';
import type { ContractFixture } from './contract.ts';

/** Every change after `token`, following `hasMore` batch by batch; the token to resume from comes last. */
async function drain(store: Store, collections: string[], organisation: ObjectId, token: string, limit?: number) {
  const ids: string[] = [];
  const batches: number[] = [];
  let position = token;
  for (;;) {
    const batch = await store.changesSince(collections, organisation, position, limit ? { limit } : {});
    if ('historyLost' in batch) throw new Error('history lost');
    ids.push(...batch.changes.map((change) => `${change.collection}:${String(change.id)}`));
    batches.push(batch.changes.length);
    position = batch.token;
    if (!batch.hasMore) return { ids, token: position, batches };
  }
}

export function describeChangesContract(fixture: ContractFixture): void {
  describe('changes since a token', function () {
    it("reports inserts, updates, replaces and upserts of the organisation's documents in commit order", async function () {
      const store = fixture.store();
      const people = fixture.collection();
      const organisation = new ObjectId();
      const token = await store.changeToken();
      const { insertedId: a } = await people.insertOne({ organisation, n: 1 });
      await people.insertMany([
        { _id: 'b', organisation, n: 2 },
        { _id: 'c', organisation, n: 3 },
      ]);
      await people.updateOne({ _id: a }, { $set: { n: 10 } });
      await people.replaceOne({ _id: 'b' }, { organisation, n: 20 });
      await people.updateOne({ organisation, n: 4 }, { $set: { d: true } }, { upsert: true });
      const upserted = (await people.findOne({ organisation, n: 4 }))!._id;
      await people.findOneAndUpdate({ _id: 'c' }, { $inc: { n: 1 } });
      await people.bulkWrite([
        { updateOne: { filter: { _id: 'b' }, update: { $set: { bulk: 1 } } } },
        { insertOne: { document: { _id: 'e', organisation } } },
      ]);
      const name = people.name;
      expect((await drain(store, [name], organisation, token)).ids).to.deep.equal([
        `${name}:${a}`,
        `${name}:b`,
        `${name}:c`,
        `${name}:${a}`,
        `${name}:b`,
        `${name}:${upserted}`,
        `${name}:c`,
        `${name}:b`,
        `${name}:e`,
      ]);
    });

    it('leaves out other organisations, documents without one and collections not asked for', async function () {
      const store = fixture.store();
      const people = fixture.collection();
      const others = fixture.collection();
      const organisation = new ObjectId();
      const token = await store.changeToken();
      await people.insertOne({ _id: 'mine', organisation });
      await people.insertOne({ _id: 'theirs', organisation: new ObjectId() });
      await people.insertOne({ _id: 'nobody' });
      await others.insertOne({ _id: 'elsewhere', organisation });
      expect((await drain(store, [people.name], organisation, token)).ids).to.deep.equal([`${people.name}:mine`]);
      expect((await drain(store, [people.name, others.name], organisation, token)).ids).to.have.members([
        `${people.name}:mine`,
        `${others.name}:elsewhere`,
      ]);
    });

    it('resumes from the token it answered: only what was written after it, nothing when nothing was', async function () {
      const store = fixture.store();
      const people = fixture.collection();
      const organisation = new ObjectId();
      const first = await store.changeToken();
      await people.insertOne({ _id: 'one', organisation });
      const read = await drain(store, [people.name], organisation, first);
      expect(read.ids).to.deep.equal([`${people.name}:one`]);
      expect((await drain(store, [people.name], organisation, read.token)).ids).to.deep.equal([]);
      await people.updateOne({ _id: 'one' }, { $set: { again: true } });
      await people.insertOne({ _id: 'two', organisation });
      expect((await drain(store, [people.name], organisation, read.token)).ids).to.deep.equal([`${people.name}:one`, `${people.name}:two`]);
    });

    it("a write stamped long before the reader's position but committed after it is reported (no clock is used)", async function () {
      const store = fixture.store();
      const people = fixture.collection();
      const organisation = new ObjectId();
      await people.insertOne({ _id: 'early', organisation, updatedAt: new Date() });
      const read = await drain(store, [people.name], organisation, await store.changeToken());
      // A writer whose clock is an hour behind, or whose write waited an hour to commit: its updatedAt is older than
      // anything the reader has seen, and an updatedAt window would skip it.
      const stampedLongAgo = new Date(Date.now() - 3_600_000);
      await people.insertOne({ _id: 'late', organisation, updatedAt: stampedLongAgo });
      await people.updateOne({ _id: 'early' }, { $set: { updatedAt: stampedLongAgo } });
      expect((await drain(store, [people.name], organisation, read.token)).ids).to.deep.equal([
        `${people.name}:late`,
        `${people.name}:early`,
      ]);
    });

    it('answers in batches of at most `limit`, in order, with hasMore until the last', async function () {
      const store = fixture.store();
      const people = fixture.collection();
      const organisation = new ObjectId();
      const token = await store.changeToken();
      await people.insertMany(Array.from({ length: 5 }, (_, n) => ({ _id: `p${n}`, organisation })));
      const read = await drain(store, [people.name], organisation, token, 2);
      expect(read.ids).to.deep.equal([0, 1, 2, 3, 4].map((n) => `${people.name}:p${n}`));
      expect(read.batches.slice(0, 2)).to.deep.equal([2, 2]);
      expect(read.batches.every((size) => size <= 2)).to.equal(true);
    });

    it('reports writes made by applyAtomically', async function () {
      const store = fixture.store();
      if (!store.applyAtomically) this.skip();
      const people = fixture.collection();
      const organisation = new ObjectId();
      const token = await store.changeToken();
      await store.applyAtomically!([
        { collection: people.name, insertOne: { document: { _id: 'x', organisation } } },
        { collection: people.name, updateOne: { filter: { _id: 'x' }, update: { $set: { y: 1 } } } },
      ]);
      expect((await drain(store, [people.name], organisation, token)).ids).to.deep.equal([`${people.name}:x`, `${people.name}:x`]);
    });

    it('answers historyLost for a token it cannot resume from (not one of its own)', async function () {
      const store = fixture.store();
      const answer = await store.changesSince([fixture.collection().name], new ObjectId(), 'not-a-token');
      expect(answer).to.deep.equal({ historyLost: true });
      const other = store.kind === 'embedded' ? 'mongodb-changes:{"_data":"00"}' : 'embedded-changes:1';
      expect(await store.changesSince([fixture.collection().name], new ObjectId(), other)).to.deep.equal({ historyLost: true });
    });
  });
}
