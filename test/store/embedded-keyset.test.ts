// Keyset pagination on the embedded engine: a page "after a cursor" is a `$or` filter (`createdAt < c`, or
// `createdAt = c and _id < id`), alone or ANDed with a user filter. The planner walks the union of the disjuncts'
// index ranges in sort order, so the documents examined stay about `limit` at any depth: proven with explain on a
// 20,000+ document collection, and the pages checked against the order computed in memory.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { Collection, Document, Filter, Store } from '../../src/store/port.ts';
import { freshDataDir } from './temp-dir.ts';

describe('embedded store: keyset pages after a cursor ($or on one index)', function () {
  let store: Store;
  let collection: Collection;
  const organisation = new ObjectId();
  const other = new ObjectId();
  const size = 20_400;
  const pageSize = 2;
  const limit = pageSize + 1; // one more than a page tells whether another page follows
  let newestFirst: Document[];
  let oldestFirst: Document[];

  const time = (document: Document): number => document.createdAt.getTime();
  const compareAscending = (a: Document, b: Document): number =>
    time(a) - time(b) || a._id.toHexString().localeCompare(b._id.toHexString());

  before(async function () {
    store = await openEmbeddedStore({ dataDir: freshDataDir(), mapSizeGb: 2 });
    collection = store.collection('keyset');
    await collection.createIndex({ organisation: 1, createdAt: 1, _id: 1 });
    await collection.createIndex({ organisation: 1, _id: 1 });
    const documents: Document[] = [];
    for (let n = 0; n < size; n += 1) {
      // Three documents per timestamp, so the `_id` tie-breaker matters; every 51st document in another organisation.
      documents.push({
        _id: new ObjectId(),
        organisation: n % 51 === 50 ? other : organisation,
        createdAt: new Date(1_700_000_000_000 + Math.floor(n / 3) * 1000),
        kind: n % 2 === 0 ? 'even' : 'odd',
      });
    }
    for (let start = 0; start < documents.length; start += 5000) await collection.insertMany(documents.slice(start, start + 5000));
    oldestFirst = documents.filter((document) => document.organisation.equals(organisation)).sort(compareAscending);
    newestFirst = [...oldestFirst].reverse();
  });
  after(async function () {
    await store.close();
  });

  const afterCursor = (cursor: Document): Filter => ({
    $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $lt: cursor._id } }],
  });
  const beforeCursor = (cursor: Document): Filter => ({
    $or: [{ createdAt: { $gt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $gt: cursor._id } }],
  });
  const descending = { createdAt: -1 as const, _id: -1 as const };
  const ascending = { createdAt: 1 as const, _id: 1 as const };

  it('pages 20,000 documents of one organisation (10,000 pages of 2)', function () {
    expect(oldestFirst.length).to.equal(20_000);
  });

  for (const page of [1, 2, 5000, 9999, 10_000]) {
    it(`page ${page}, newest first: examines only the documents it returns (limit = page size + 1)`, async function () {
      const cursor = page === 1 ? null : newestFirst[(page - 1) * pageSize - 1];
      const filter = cursor ? { organisation, ...afterCursor(cursor) } : { organisation };
      const expected = Math.min(limit, newestFirst.length - (page - 1) * pageSize);
      const plan = await collection.explain(filter, { sort: descending, limit });
      expect(plan).to.deep.equal({
        indexName: 'organisation_1_createdAt_1__id_1',
        docsExamined: expected,
        nReturned: expected,
        sortedByIndex: true,
      });
      const found = await collection.find(filter, { sort: descending, limit });
      expect(found.map((document) => document._id.toHexString())).to.deep.equal(
        newestFirst.slice((page - 1) * pageSize, (page - 1) * pageSize + limit).map((document) => document._id.toHexString()),
      );
    });
  }

  it('oldest first (ascending) after a deep cursor', async function () {
    const cursor = oldestFirst[15_000];
    const filter = { $and: [{ organisation }, beforeCursor(cursor)] };
    const plan = await collection.explain(filter, { sort: ascending, limit });
    expect(plan).to.deep.equal({
      indexName: 'organisation_1_createdAt_1__id_1',
      docsExamined: limit,
      nReturned: limit,
      sortedByIndex: true,
    });
    const found = await collection.find(filter, { sort: ascending, limit });
    expect(found.map((document) => document._id.toHexString())).to.deep.equal(
      oldestFirst.slice(15_001, 15_001 + limit).map((document) => document._id.toHexString()),
    );
  });

  it('a single-key sort (_id) after a deep cursor, in the $and form with a user filter', async function () {
    const byId = [...oldestFirst].sort((a, b) => b._id.toHexString().localeCompare(a._id.toHexString()));
    const cursor = byId[12_000];
    const filter = { $and: [{ organisation, kind: 'even' }, { $or: [{ _id: { $lt: cursor._id } }] }] };
    const plan = await collection.explain(filter, { sort: { _id: -1 }, limit });
    expect(plan.indexName).to.equal('organisation_1__id_1');
    expect(plan.sortedByIndex).to.equal(true);
    expect(plan.docsExamined).to.be.at.most(4 * limit); // about half the walked documents are 'odd'
    const found = await collection.find(filter, { sort: { _id: -1 }, limit });
    expect(found.map((document) => document._id.toHexString())).to.deep.equal(
      byId
        .slice(12_001)
        .filter((document) => document.kind === 'even')
        .slice(0, limit)
        .map((document) => document._id.toHexString()),
    );
  });

  it('a user filter beside the cursor: examined documents stay near the page size at depth', async function () {
    const cursor = newestFirst[16_000];
    const filter = { $and: [{ organisation, kind: 'odd' }, afterCursor(cursor)] };
    const plan = await collection.explain(filter, { sort: descending, limit });
    expect(plan).to.include({ indexName: 'organisation_1_createdAt_1__id_1', sortedByIndex: true, nReturned: limit });
    expect(plan.docsExamined).to.be.at.most(4 * limit);
    const found = await collection.find(filter, { sort: descending, limit });
    expect(found.map((document) => document._id.toHexString())).to.deep.equal(
      newestFirst
        .slice(16_001)
        .filter((document) => document.kind === 'odd')
        .slice(0, limit)
        .map((document) => document._id.toHexString()),
    );
  });

  it('disjuncts on different organisations are walked as ranges but sorted in memory (the order is not the index order)', async function () {
    const from = new Date(1_700_000_000_000 + 6000 * 1000);
    const window = { $gte: from, $lt: new Date(from.getTime() + 30_000) };
    const filter = {
      kind: { $in: ['odd', 'even'] },
      $or: [
        { organisation, createdAt: window },
        { organisation: other, createdAt: window },
      ],
    };
    const plan = await collection.explain(filter, { sort: descending, limit: 5 });
    expect(plan).to.include({ indexName: 'organisation_1_createdAt_1__id_1', sortedByIndex: false });
    expect(plan.docsExamined).to.be.below(200);
    const found = await collection.find(filter, { sort: descending, limit: 5 });
    const everything = await collection.find({}, { projection: { _id: 1, createdAt: 1 } });
    const expected = everything
      .filter((document) => time(document) >= from.getTime() && time(document) < from.getTime() + 30_000)
      .sort(compareAscending)
      .reverse()
      .slice(0, 5);
    expect(found.map((document) => document._id.toHexString())).to.deep.equal(expected.map((document) => document._id.toHexString()));
  });

  it('a $or that no single index serves still answers correctly (collection scan)', async function () {
    const cursor = newestFirst[100];
    const filter = { $or: [{ kind: 'none' }, { organisation, createdAt: cursor.createdAt }] };
    const found = await collection.find(filter, { sort: { _id: 1 } });
    const expected = oldestFirst
      .filter((document) => time(document) === time(cursor))
      .sort((a, b) => a._id.toHexString().localeCompare(b._id.toHexString()));
    expect(found.map((document) => document._id.toHexString())).to.deep.equal(expected.map((document) => document._id.toHexString()));
    expect((await collection.explain(filter)).indexName).to.equal(null);
  });
});
