// countDocuments on the embedded store answers from index entries alone when the filter is exactly what an index's
// key ranges select (index-only-count.ts): the same number as the matching find, without reading a document. Every
// filter the keys might encode loosely (null, strings in ranges, other operators, fields outside the index, `$or`)
// still counts by decoding, and gives the find's number too.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { Collection, Filter, Store } from '../../src/store/port.ts';
import { freshDataDir } from './temp-dir.ts';

const DAY_MS = 86_400_000;

describe('embedded store: countDocuments from index entries', () => {
  let store: Store;
  let things: Collection;
  const organisation = new ObjectId();
  const other = new ObjectId();
  const start = new Date('2026-01-01T00:00:00Z');
  let documentReads = 0;

  before(async () => {
    store = await openEmbeddedStore({ dataDir: freshDataDir() });
    things = store.collection('things');
    await things.createIndex({ organisation: 1, createdAt: 1 });
    await things.createIndex({ organisation: 1, 'ifi.key': 1 });
    await things.createIndex({ organisation: 1, mergedInto: 1 });
    await things.createIndex({ tags: 1 });
    await things.insertMany(
      Array.from({ length: 300 }, (_, index) => ({
        organisation: index % 3 === 0 ? other : organisation,
        createdAt: new Date(start.getTime() + (index % 10) * DAY_MS),
        ifi: { key: ['mbox', 'account', 'openid'][index % 3], value: `v${index}` },
        // Repeated elements give a document several entries with the same key part: it still counts once.
        tags: index % 4 === 0 ? ['a', 'a', 'b'] : index % 4 === 1 ? ['b'] : [],
        ...(index % 7 === 0 ? { mergedInto: new ObjectId() } : {}),
        ...(index % 11 === 0 ? { name: null } : { name: `n${index % 5}` }),
      })),
    );
    // Counts every read of a document's bytes (the walk fetches each document it examines through these).
    const documents = (things as unknown as { engine: { environment: { documents: Record<string, (...args: unknown[]) => unknown> } } })
      .engine.environment.documents;
    for (const method of ['get', 'getBinaryFast', 'getRange']) {
      const original = documents[method].bind(documents);
      documents[method] = (...args: unknown[]) => {
        documentReads += 1;
        return original(...args);
      };
    }
  });
  after(async () => {
    await store.close();
  });

  async function countWithReads(filter: Filter, options?: { skip?: number; limit?: number }): Promise<{ count: number; reads: number }> {
    const before = documentReads;
    const count = await things.countDocuments(filter, options);
    return { count, reads: documentReads - before };
  }

  it('counts filters an index answers without reading a document, as many as the find returns', async () => {
    const answered: Filter[] = [
      { organisation },
      { organisation, 'ifi.key': 'mbox' },
      { organisation, 'ifi.key': { $in: ['mbox', 'openid'] } },
      { organisation: { $eq: organisation }, 'ifi.key': { $eq: 'account' } },
      { organisation, createdAt: { $gte: new Date(start.getTime() + 2 * DAY_MS), $lt: new Date(start.getTime() + 5 * DAY_MS) } },
      { organisation, createdAt: { $gt: start } },
      { organisation, mergedInto: { $gte: new ObjectId('000000000000000000000000') } },
      { organisation: { $in: [organisation, other] } },
      { tags: 'a' },
      { tags: { $in: ['a', 'b'] } },
    ];
    for (const filter of answered) {
      const expected = (await things.find(filter)).length;
      const { count, reads } = await countWithReads(filter);
      expect(count, JSON.stringify(filter)).to.equal(expected);
      expect(reads, `${JSON.stringify(filter)} read documents`).to.equal(0);
    }
    expect((await countWithReads({ tags: 'a' })).count, 'a document with a repeated element counts once').to.equal(75);
  });

  it('applies skip and limit to the counted documents', async () => {
    const all = (await things.find({ organisation })).length;
    expect(await countWithReads({ organisation }, { skip: 10, limit: 50 })).to.deep.equal({ count: 50, reads: 0 });
    expect((await countWithReads({ organisation }, { skip: all - 5, limit: 50 })).count).to.equal(5);
    expect((await countWithReads({ organisation }, { skip: all + 5 })).count).to.equal(0);
  });

  it("counts by decoding what the keys do not answer exactly, with the find's numbers", async () => {
    const decoded: Filter[] = [
      { organisation, name: 'n1' }, // a field outside every index
      { organisation, mergedInto: null }, // null matches missing fields
      { organisation, mergedInto: { $exists: true } },
      { organisation, 'ifi.key': { $gte: 'a' } }, // a string range
      { organisation, 'ifi.key': { $ne: 'mbox' } },
      { $or: [{ organisation }, { tags: 'a' }] },
      { tags: [] },
    ];
    for (const filter of decoded) {
      const expected = (await things.find(filter)).length;
      const { count, reads } = await countWithReads(filter);
      expect(count, JSON.stringify(filter)).to.equal(expected);
      expect(reads, `${JSON.stringify(filter)} is counted by reading documents`).to.be.greaterThan(0);
    }
  });
});
