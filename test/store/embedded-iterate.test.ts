// iterate() over a large collection reads in bounded chunks: each chunk is its own short read transaction (no
// snapshot is held for the whole walk, so LMDB can reuse pages and other writers' commits show up in later chunks).
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { Collection, Document, Store } from '../../src/store/port.ts';
import { freshDataDir } from './temp-dir.ts';

describe('embedded store: iterate reads in bounded chunks', function () {
  let store: Store;
  let collection: Collection;
  const organisation = new ObjectId();
  const size = 12_000;

  before(async function () {
    store = await openEmbeddedStore({ dataDir: freshDataDir(), mapSizeGb: 1 });
    collection = store.collection('iterated');
    await collection.createIndex({ organisation: 1, n: 1 });
    const documents = Array.from({ length: size }, (_, n) => ({ _id: new ObjectId(), organisation, n }));
    for (let start = 0; start < size; start += 4000) await collection.insertMany(documents.slice(start, start + 4000));
  });
  after(async function () {
    await store.close();
  });

  /** Counts the engine's read transactions (white-box: the environment every read goes through). */
  function countReads(): { readonly count: number; restore(): void } {
    const environment = (store as any).engine.environment;
    const original = environment.read;
    let count = 0;
    environment.read = function (this: unknown, ...args: unknown[]) {
      count += 1;
      return original.apply(this, args);
    };
    return {
      get count() {
        return count;
      },
      restore: () => {
        environment.read = original;
      },
    };
  }

  it('uses one short read transaction per chunk of batchSize documents', async function () {
    const reads = countReads();
    let seen = 0;
    try {
      for await (const document of collection.iterate({ organisation }, { sort: { n: 1 }, batchSize: 500 })) {
        expect(document.n).to.equal(seen);
        seen += 1;
      }
    } finally {
      reads.restore();
    }
    expect(seen).to.equal(size);
    // One read to plan, one per chunk (the last one finds the end): never one read for everything.
    expect(reads.count).to.be.at.least(size / 500);
    expect(reads.count).to.be.at.most(size / 500 + 3);
  });

  it('sees writes committed between chunks (each chunk reads a fresh snapshot) and yields each document once', async function () {
    const iterator = collection.iterate({}, { batchSize: 200 })[Symbol.asyncIterator]();
    const yielded: Document[] = [];
    for (let i = 0; i < 300; i += 1) yielded.push((await iterator.next()).value);
    // Written while the iteration is suspended mid-walk: later in `_id` order than everything walked so far.
    const added = Array.from({ length: 5 }, () => ({ _id: new ObjectId(), organisation, n: -1 }));
    await collection.insertMany(added);
    const removed = yielded.length + 1000;
    const all = await collection.find({}, { sort: { _id: 1 }, projection: { _id: 1 } });
    await collection.deleteOne({ _id: all[removed]._id });
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yielded.push(next.value);
    const ids = yielded.map((document) => document._id.toHexString());
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids.slice(-5)).to.deep.equal(added.map((document) => document._id.toHexString()));
    expect(ids).to.not.include(all[removed]._id.toHexString());
    expect(yielded.length).to.equal(size + 5 - 1);
  });
});
