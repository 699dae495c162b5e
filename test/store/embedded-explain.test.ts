// The embedded planner uses indexes: proven with explain (documents examined vs returned), so a lost index
// shows up as a failing test rather than a slow benchmark.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { Collection, Store } from '../../src/store/port.ts';
import { freshDataDir } from './temp-dir.ts';

describe('embedded store: index use (explain)', function () {
  let store: Store;
  let collection: Collection;
  const organisations = [new ObjectId(), new ObjectId()];
  const size = 400;

  before(async function () {
    store = await openEmbeddedStore({ dataDir: freshDataDir(), mapSizeGb: 1 });
    collection = store.collection('identifiers');
    await collection.createIndex({ organisation: 1, canonicalKey: 1 }, { unique: true });
    await collection.createIndex({ organisation: 1, createdAt: 1, _id: 1 });
    await collection.createIndex({ organisation: 1, 'ifi.value.homePage': 1, 'ifi.value.name': 1 });
    await collection.createIndex({ tags: 1 });
    await collection.insertMany(
      Array.from({ length: size }, (_, n) => ({
        organisation: organisations[n % 2],
        canonicalKey: `k${String(n).padStart(4, '0')}`,
        createdAt: new Date(1_700_000_000_000 + n * 1000),
        ifi: { key: 'account', value: { homePage: `https://h${n % 5}.org`, name: `n${n}` } },
        tags: [`t${n % 7}`, `u${n % 3}`],
      })),
    );
  });
  after(async function () {
    await store.close();
  });

  it('serves an equality on a full unique key by one lookup', async function () {
    const plan = await collection.explain({ organisation: organisations[0], canonicalKey: 'k0010' });
    expect(plan).to.deep.equal({ indexName: 'organisation_1_canonicalKey_1', docsExamined: 1, nReturned: 1, sortedByIndex: true });
  });

  it('serves $in by one lookup per value', async function () {
    const keys = Array.from({ length: 50 }, (_, n) => `k${String(n * 2).padStart(4, '0')}`).concat(['missing']);
    const plan = await collection.explain({ organisation: organisations[0], canonicalKey: { $in: keys } });
    expect(plan.indexName).to.equal('organisation_1_canonicalKey_1');
    expect(plan).to.include({ docsExamined: 50, nReturned: 50 });
  });

  it('serves _id $in from the primary index', async function () {
    const ids = (await collection.find({ organisation: organisations[1] }, { limit: 30 })).map((document) => document._id);
    const plan = await collection.explain({ _id: { $in: ids } });
    expect(plan).to.include({ indexName: '_id_', docsExamined: 30, nReturned: 30 });
  });

  it('prefers point lookups of _ids to a walk of a compound index that also names the _id', async function () {
    const compound = store.collection('compound');
    await compound.createIndex({ organisation: 1, _id: 1 });
    await compound.createIndex({ organisation: 1, persona: 1 });
    const ids = Array.from({ length: 30 }, () => new ObjectId());
    await compound.insertMany(ids.map((_id, n) => ({ _id, organisation: organisations[n % 2], persona: organisations[0] })));
    const wanted = ids.filter((_, n) => n % 2 === 0);
    for (const filter of [
      { organisation: organisations[0], _id: wanted[3] },
      { organisation: organisations[0], _id: { $in: wanted }, persona: organisations[0] },
    ]) {
      const plan = await compound.explain(filter);
      const expected = '$in' in (filter._id as object) ? wanted.length : 1;
      expect(plan).to.include({ indexName: '_id_', docsExamined: expected, nReturned: expected });
    }
  });

  it('serves a range on the field after an equality prefix', async function () {
    const from = new Date(1_700_000_000_000 + 100 * 1000);
    const to = new Date(1_700_000_000_000 + 140 * 1000);
    const plan = await collection.explain({ organisation: organisations[0], createdAt: { $gte: from, $lt: to } });
    expect(plan.indexName).to.equal('organisation_1_createdAt_1__id_1');
    expect(plan).to.include({ docsExamined: 20, nReturned: 20 });
  });

  it('serves a prefix of a compound index on nested paths', async function () {
    const plan = await collection.explain({ organisation: organisations[1], 'ifi.value.homePage': 'https://h3.org' });
    expect(plan.indexName).to.equal('organisation_1_ifi.value.homePage_1_ifi.value.name_1');
    expect(plan).to.include({ docsExamined: 40, nReturned: 40 });
  });

  it('walks an index in sort order and stops after skip + limit, at any depth', async function () {
    for (const skip of [0, 150]) {
      const plan = await collection.explain({ organisation: organisations[0] }, { sort: { createdAt: -1, _id: -1 }, skip, limit: 10 });
      expect(plan).to.include({
        indexName: 'organisation_1_createdAt_1__id_1',
        sortedByIndex: true,
        nReturned: 10,
        docsExamined: skip + 10,
      });
    }
    const page = await collection.find({ organisation: organisations[0] }, { sort: { createdAt: -1 }, skip: 150, limit: 3 });
    expect(page.map((document) => document.canonicalKey)).to.deep.equal(['k0098', 'k0096', 'k0094']);
  });

  it('indexes each element of an array (multikey) and returns each document once', async function () {
    const plan = await collection.explain({ tags: { $in: ['t1', 'u1'] } });
    const expected = (await collection.find({})).filter((document) => document.tags.includes('t1') || document.tags.includes('u1')).length;
    expect(plan.indexName).to.equal('tags_1');
    expect(plan.nReturned).to.equal(expected);
    expect(plan.docsExamined).to.equal(expected);
  });

  it('scans the collection when no index fits, and sorts in memory', async function () {
    const plan = await collection.explain({ 'ifi.key': 'account' }, { sort: { canonicalKey: 1 }, limit: 5 });
    expect(plan).to.include({ indexName: null, docsExamined: size, nReturned: 5, sortedByIndex: false });
  });
});
