// The embedded engine refuses what MongoDB refuses to store (review findings 7 and 14), with MongoDB's codes, so a
// test on embedded catches a write that would fail in production: over 16 MB of BSON, NUL or `$` in a field name,
// nesting deeper than 100 levels; on insert, update and replace alike, leaving nothing written.
import { expect } from 'chai';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

const nested = (levels: number): Record<string, unknown> => {
  let value: Record<string, unknown> = { leaf: true };
  for (let level = 1; level < levels; level += 1) value = { down: value };
  return value;
};

describe('embedded store: documents MongoDB would refuse', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
  });
  afterEach(async () => temp.close());
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error) => error,
    );

  it('refuses a document over 16 MB of BSON (code 10334) and stores one just under it', async () => {
    const collection = temp.store.collection('documents');
    const tooBig = await refusal(collection.insertOne({ _id: 1, blob: 'x'.repeat(16 * 1024 * 1024) }));
    expect(tooBig.code).to.equal(10334);
    expect(await collection.countDocuments({})).to.equal(0);
    await collection.insertOne({ _id: 2, blob: 'x'.repeat(16 * 1024 * 1024 - 100) });
    const grown = await refusal(collection.updateOne({ _id: 2 }, { $set: { more: 'y'.repeat(200) } }));
    expect(grown.code).to.equal(10334);
    expect(await collection.findOne({ _id: 2 }, { projection: { more: 1 } })).to.deep.equal({ _id: 2 });
  });

  it('refuses NUL in a field name at any depth, or a top-level name starting with $ (code 2), naming the field', async () => {
    const collection = temp.store.collection('documents');
    const nul = await refusal(collection.insertOne({ profile: { 'a\u0000b': 1 } }));
    expect(nul.code).to.equal(2);
    expect(nul.message).to.include('profile.a');
    expect((await refusal(collection.insertOne({ $where: 'x' }))).code).to.equal(2);
    await collection.insertOne({ _id: 'p', profile: {} });
    expect((await refusal(collection.replaceOne({ _id: 'p' }, { $bad: 1, profile: {} }))).code).to.equal(2);
    // Nested $-prefixed names are stored, as MongoDB 5.0+ stores them (LL's CRUD demographics may hold them).
    await collection.insertOne({ _id: 'n', metadata: [{ $where: 'x' }] });
    expect((await refusal(collection.updateOne({ _id: 'p' }, { $set: { profile: { 'x\u0000': 1 } } }))).code).to.equal(2);
    expect(await collection.findOne({ _id: 'p' })).to.deep.equal({ _id: 'p', profile: {} });
    expect(await collection.countDocuments({})).to.equal(2);
  });

  it('refuses nesting deeper than 100 levels (code 15) and stores 100 (the document itself is level 1)', async () => {
    const collection = temp.store.collection('documents');
    await collection.insertOne({ _id: 'ok', ...nested(100) });
    expect((await refusal(collection.insertOne({ _id: 'deep', ...nested(101) }))).code).to.equal(15);
    expect(await collection.countDocuments({})).to.equal(1);
  });
});
