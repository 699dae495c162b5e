// The embedded engine's fast paths (keyed upserts/updates, simple filters and projections, residual filters after
// exact lookups) must give exactly what the general path gives. Each case runs the same operations twice: once in
// the hot shape, once phrased so the general planner + mingo path runs (the filter wrapped in `$and`).
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { BulkOperation, Collection, Document, Filter, Store } from '../../src/store/port.ts';
import { freshDataDir } from './temp-dir.ts';

const general = (filter: Filter): Filter => ({ $and: [filter] });
const withoutIds = (documents: Document[]): Document[] => documents.map(({ _id, ...rest }) => rest);

describe('embedded store: fast paths agree with the general path', function () {
  let store: Store;
  let counter = 0;
  const organisation = new ObjectId();
  const other = new ObjectId();

  before(async function () {
    store = await openEmbeddedStore({ dataDir: freshDataDir(), mapSizeGb: 1 });
  });
  after(async function () {
    await store.close();
  });

  async function pair(withIndexes = true): Promise<[Collection, Collection]> {
    const made: Collection[] = [];
    for (let n = 0; n < 2; n += 1) {
      const collection = store.collection(`fast_${(counter += 1)}`);
      if (withIndexes) await collection.createIndex({ organisation: 1, key: 1 }, { unique: true });
      if (withIndexes) await collection.createIndex({ organisation: 1, tags: 1 });
      made.push(collection);
    }
    return made as [Collection, Collection];
  }

  async function applyBoth(
    operations: Array<{ filter: Filter; update: Document; upsert?: boolean }>,
    withIndexes = true,
  ): Promise<[Collection, Collection]> {
    const [fast, slow] = await pair(withIndexes);
    const toBulk = (wrap: (filter: Filter) => Filter): BulkOperation[] =>
      operations.map((operation) => ({ updateOne: { ...operation, filter: wrap(operation.filter) } }));
    const fastResult = await fast.bulkWrite(
      toBulk((filter) => filter),
      { ordered: false },
    );
    const slowResult = await slow.bulkWrite(toBulk(general), { ordered: false });
    const shape = (result: typeof fastResult) => ({
      ...result,
      upsertedIds: Object.keys(result.upsertedIds),
      writeErrors: result.writeErrors.map((error) => ({ index: error.index, code: error.code, keyValue: error.keyValue })),
    });
    expect(shape(fastResult)).to.deep.equal(shape(slowResult));
    return [fast, slow];
  }

  it('upserts by unique key: new, existing ($setOnInsert ignored), $set on match, residual mismatch, duplicates', async function () {
    const [fast, slow] = await applyBoth([
      { filter: { organisation, key: 'a' }, update: { $setOnInsert: { n: 1, tags: ['x'] } }, upsert: true },
      { filter: { organisation, key: 'a' }, update: { $setOnInsert: { n: 2 } }, upsert: true },
      { filter: { organisation, key: 'b' }, update: { $setOnInsert: { n: 3 }, $set: { seen: true } }, upsert: true },
      { filter: { organisation, key: 'b' }, update: { $set: { seen: false }, $inc: { n: 1 } }, upsert: true },
      { filter: { organisation, key: 'c' }, update: { $set: { n: 4 } } },
      { filter: { organisation: other, key: 'a' }, update: { $setOnInsert: { n: 5 } }, upsert: true },
      { filter: { organisation, key: 'a', n: 99 }, update: { $setOnInsert: { n: 6 } }, upsert: true },
      { filter: { organisation, key: 'd', 'meta.source': 'csv' }, update: { $setOnInsert: { 'meta.at': 1 } }, upsert: true },
      { filter: { organisation, key: 'e' }, update: { $setOnInsert: { _id: 'given' } }, upsert: true },
      { filter: { organisation, key: 'f' }, update: { $set: { _id: 'changed' } } },
    ]);
    const sorted = { sort: { organisation: 1 as const, key: 1 as const, n: 1 as const } };
    expect(withoutIds(await fast.find({}, sorted))).to.deep.equal(withoutIds(await slow.find({}, sorted)));
    expect((await fast.findOne({ key: 'e' }))!._id).to.equal('given');
    expect((await slow.findOne({ key: 'e' }))!._id).to.equal('given');
  });

  it('upserts by _id with a residual field, matching and not', async function () {
    const ids = [new ObjectId(), new ObjectId()];
    const [fast, slow] = await applyBoth(
      [
        { filter: { _id: ids[0], organisation }, update: { $setOnInsert: { name: 'p0' } }, upsert: true },
        { filter: { _id: ids[0], organisation }, update: { $setOnInsert: { name: 'again' } }, upsert: true },
        { filter: { _id: ids[0], organisation: other }, update: { $setOnInsert: { name: 'other org' } }, upsert: true },
        { filter: { _id: ids[1], organisation }, update: { $set: { name: 'p1' } }, upsert: true },
        { filter: { _id: ids[1], organisation, name: 'p1' }, update: { $set: { renamed: true } } },
        { filter: { _id: ids[1], organisation }, update: { $set: { _id: new ObjectId() } } },
      ],
      false,
    );
    expect(await fast.find({}, { sort: { _id: 1 } })).to.deep.equal(await slow.find({}, { sort: { _id: 1 } }));
    expect(await fast.countDocuments({})).to.equal(2);
  });

  it('answers simple filters and projections like mingo (arrays by element, null as missing, ObjectIds and Dates by value)', async function () {
    const [collection] = await pair();
    const when = new Date(1_700_000_000_000);
    await collection.insertMany([
      { organisation, key: 'k1', tags: ['a', 'b'], at: when, ref: other, flag: true },
      { organisation, key: 'k2', tags: [], at: new Date(when.getTime() + 1), ref: null, n: 1 },
      { organisation, key: 'k3', tags: 'a', n: 1.0, flag: false },
      { organisation: other, key: 'k4', tags: [null, 'c'], ref: [other, organisation] },
    ]);
    const filters: Filter[] = [
      { tags: 'a' },
      { tags: null },
      { ref: null },
      { ref: other },
      { ref: { $in: [organisation] } },
      { at: new Date(when.getTime()) },
      { n: 1 },
      { flag: false },
      { organisation, key: { $in: ['k1', 'k3', 'zz'] } },
      { key: { $eq: 'k2' } },
      { organisation: other, tags: { $in: [null] } },
      { key: { $in: ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9'] }, organisation },
    ];
    for (const filter of filters) {
      const projection = { key: 1, tags: 1 } as const;
      const fastFound = await collection.find(filter, { projection, sort: { key: 1 } });
      const generalFound = await collection.find(general(filter), { projection, sort: { key: 1 } });
      expect(fastFound, JSON.stringify(filter)).to.deep.equal(generalFound);
    }
    const excluded = await collection.find({ key: 'k1' }, { projection: { _id: 0, tags: 0 } });
    expect(excluded).to.deep.equal([{ organisation, key: 'k1', at: when, ref: other, flag: true }]);
    const onlyId = await collection.find({ key: 'k1' }, { projection: { _id: 1 } });
    expect(Object.keys(onlyId[0])).to.deep.equal(['_id']);
  });

  it('splits a filter into simple conditions and the rest for mingo, with the same answers', async function () {
    const [collection] = await pair(false);
    const when = new Date(1_700_000_000_000);
    await collection.insertMany(
      Array.from({ length: 60 }, (_, n) => ({
        organisation: n % 3 === 0 ? other : organisation,
        key: `k${n}`,
        tags: n % 2 === 0 ? ['a', `t${n % 5}`] : 'b',
        ...(n % 4 === 0 ? { mergedInto: other } : {}),
        at: new Date(when.getTime() + n),
        n,
      })),
    );
    const manyKeys = Array.from({ length: 500 }, (_, n) => `k${n * 3}`);
    const filters: Filter[] = [
      { key: { $in: manyKeys }, mergedInto: { $exists: false } },
      { organisation, tags: 'a', n: { $gte: 10, $lt: 40 } },
      { tags: { $in: ['t1', 't2'] }, at: { $gt: when }, $or: [{ n: 2 }, { n: { $gt: 50 } }] },
      { organisation: other, key: { $nin: ['k3'] } },
    ];
    for (const filter of filters) {
      const found = await collection.find(filter, { sort: { key: 1 } });
      expect(found, JSON.stringify(filter)).to.deep.equal(await collection.find(general(filter), { sort: { key: 1 } }));
      expect(found.length, JSON.stringify(filter)).to.be.greaterThan(0);
    }
  });

  it('tests the rest of the filter after exact lookups (an _id $in beside an organisation)', async function () {
    const [collection] = await pair();
    const ids = Array.from({ length: 50 }, () => new ObjectId());
    await collection.insertMany(ids.map((_id, n) => ({ _id, organisation: n % 2 === 0 ? organisation : other, key: `k${n}` })));
    const found = await collection.find({ _id: { $in: ids }, organisation }, { projection: { _id: 1 } });
    expect(found.map((document) => document._id.toHexString()).sort()).to.deep.equal(
      ids
        .filter((_, n) => n % 2 === 0)
        .map((id) => id.toHexString())
        .sort(),
    );
    const plan = await collection.explain({ _id: { $in: ids }, organisation });
    expect(plan).to.include({ indexName: '_id_', docsExamined: 50, nReturned: 25 });
  });

  it('keeps unique indexes enforced on the keyed path (another unique index collides)', async function () {
    const [collection] = await pair();
    await collection.createIndex({ email: 1 }, { unique: true, sparse: true });
    await collection.insertOne({ organisation, key: 'x', email: 'a@b.org' });
    const result = await collection.bulkWrite(
      [
        { updateOne: { filter: { organisation, key: 'y' }, update: { $setOnInsert: { email: 'a@b.org' } }, upsert: true } },
        { updateOne: { filter: { organisation, key: 'z' }, update: { $setOnInsert: { email: 'c@b.org' } }, upsert: true } },
      ],
      { ordered: false },
    );
    expect(result.writeErrors.map((error) => [error.index, error.code])).to.deep.equal([[0, 11000]]);
    expect(result.upsertedCount).to.equal(1);
    expect(await collection.countDocuments({})).to.equal(2);
  });
});
