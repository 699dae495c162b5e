// The keyset paginator of /api/connection: forwards and backwards across page boundaries with ties, nulls and
// mixed types in the sort key; truthful pageInfo; projections; LL's page-size rules. Runs on an in-memory mingo
// collection (same matcher as the embedded engine); the HTTP tests run it on the real store.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { Query } from 'mingo';
import { paginateConnection, type Connection } from '../../src/compat/learning-locker/connection.ts';
import type { Collection, Document, Sort } from '../../src/store/port.ts';
import { mingoCollection } from './support/mingo-collection.ts';

const names: Array<string | number | null | undefined> = ['b', 'a', null, 'b', 5, undefined, 'c', 'b', 'a', 2, 'b', null, 'd'];
const documents: Document[] = names.map((name, index) => {
  const doc: Document = { _id: new ObjectId(), organisation: 'o', seq: index };
  if (name !== undefined) doc.name = name;
  return doc;
});

function expectedOrder(sort: Sort): number[] {
  return (new Query({}).find(documents).sort(sort).all() as Document[]).map((doc) => doc.seq);
}
const seqs = (connection: Connection) => connection.edges.map((edge) => edge.node.seq as number);

async function walkForwards(collection: Collection, sort: Sort, size: number): Promise<number[]> {
  const seen: number[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 50; pages += 1) {
    const page = await paginateConnection(collection, { filter: { organisation: 'o' }, sort, first: size, after }, 'ps');
    seen.push(...seqs(page));
    expect(page.pageInfo.hasPreviousPage).to.equal(after !== undefined && seen.length > page.edges.length);
    if (!page.pageInfo.hasNextPage) return seen;
    after = page.pageInfo.endCursor as string;
  }
  throw new Error('did not finish');
}

async function walkBackwards(collection: Collection, sort: Sort, size: number): Promise<number[]> {
  // Start from the last page: page forwards to the end, then walk back with `before` = startCursor.
  const all = await paginateConnection(collection, { filter: { organisation: 'o' }, sort, first: 1000 }, 'ps');
  const lastCursor = all.edges[all.edges.length - 1].cursor;
  const seen: number[] = [all.edges[all.edges.length - 1].node.seq as number];
  let before = lastCursor;
  for (let pages = 0; pages < 50; pages += 1) {
    const page = await paginateConnection(collection, { filter: { organisation: 'o' }, sort, last: size, before }, 'ps');
    seen.unshift(...seqs(page));
    expect(page.pageInfo.hasNextPage).to.equal(true);
    if (!page.pageInfo.hasPreviousPage) return seen;
    expect(page.edges).to.have.length(size);
    before = page.pageInfo.startCursor as string;
  }
  throw new Error('did not finish');
}

describe('LL connection paginator', () => {
  const collection = mingoCollection(documents);

  for (const sort of [{ name: 1 }, { name: -1 }, { name: 1, seq: -1 }, { _id: -1 }] as Sort[]) {
    for (const size of [1, 2, 3, 5]) {
      it(`walks ${JSON.stringify(sort)} forwards and backwards in pages of ${size} without skipping or repeating ties`, async () => {
        const expected = expectedOrder({ ...sort, ...('_id' in sort ? {} : { _id: 1 }) });
        expect(await walkForwards(collection, sort, size)).to.deep.equal(expected);
        expect(await walkBackwards(collection, sort, size)).to.deep.equal(expected);
      });
    }
  }

  it('returns the N items immediately before the cursor, in forward order, with truthful flags', async () => {
    const sort = { name: 1 } as Sort;
    const expected = expectedOrder({ name: 1, _id: 1 });
    const all = await paginateConnection(collection, { filter: {}, sort, first: 100 }, 'ps');
    const cursorAt8 = all.edges[8].cursor;
    const page = await paginateConnection(collection, { filter: {}, sort, last: 3, before: cursorAt8 }, 'ps');
    expect(seqs(page)).to.deep.equal(expected.slice(5, 8));
    expect(page.pageInfo).to.include({ hasNextPage: true, hasPreviousPage: true });
    const first = await paginateConnection(collection, { filter: {}, sort, last: 3, before: all.edges[3].cursor }, 'ps');
    expect(seqs(first)).to.deep.equal(expected.slice(0, 3));
    expect(first.pageInfo).to.include({ hasNextPage: true, hasPreviousPage: false });
  });

  it('reports no previous page for the first page and no next page for the last', async () => {
    const first = await paginateConnection(collection, { filter: {}, sort: { _id: 1 } }, 'ps');
    expect(first.edges).to.have.length(10);
    expect(first.pageInfo).to.include({ hasNextPage: true, hasPreviousPage: false });
    const rest = await paginateConnection(collection, { filter: {}, sort: { _id: 1 }, after: first.pageInfo.endCursor as string }, 'ps');
    expect(rest.edges).to.have.length(documents.length - 10);
    expect(rest.pageInfo).to.include({ hasNextPage: false, hasPreviousPage: true });
  });

  it('uses `last` as the page size when `first` is absent or 0 (also for the generic format)', async () => {
    for (const format of ['ps', 'generic'] as const) {
      expect((await paginateConnection(collection, { filter: {}, sort: { _id: 1 }, last: 4 }, format)).edges).to.have.length(4);
      expect((await paginateConnection(collection, { filter: {}, sort: { _id: 1 }, first: 0, last: 2 }, format)).edges).to.have.length(2);
    }
  });

  it('shapes pageInfo in LL\'s key orders; an empty page has no cursors in either format (no "e30=", spec 8.28)', async () => {
    const psEmpty = await paginateConnection(collection, { filter: { seq: -1 }, sort: { _id: 1 } }, 'ps');
    expect(psEmpty).to.deep.equal({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false } });
    const genericEmpty = await paginateConnection(collection, { filter: { seq: -1 }, sort: { _id: 1 } }, 'generic');
    expect(genericEmpty).to.deep.equal({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false } });
    const generic = await paginateConnection(collection, { filter: {}, sort: { _id: 1 }, first: 2 }, 'generic');
    expect(Object.keys(generic.pageInfo)).to.deep.equal(['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor']);
    const ps = await paginateConnection(collection, { filter: {}, sort: { _id: 1 }, first: 2 }, 'ps');
    expect(Object.keys(ps.pageInfo)).to.deep.equal(['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor']);
    expect(Object.keys(ps.edges[0])).to.deep.equal(['cursor', 'node']);
  });

  it('applies `project` to nodes while cursors keep working on a projected-away sort key', async () => {
    const page = await paginateConnection(collection, { filter: {}, sort: { name: 1 }, first: 4, projection: { seq: 1 } }, 'ps');
    expect(Object.keys(page.edges[0].node).sort()).to.deep.equal(['_id', 'seq']);
    const next = await paginateConnection(
      collection,
      { filter: {}, sort: { name: 1 }, first: 4, projection: { name: 0 }, after: page.pageInfo.endCursor as string },
      'ps',
    );
    expect(seqs(next)).to.deep.equal(expectedOrder({ name: 1, _id: 1 }).slice(4, 8));
    expect(next.edges[0].node).to.not.have.property('name');
  });

  it('accepts an LL-issued cursor that lacks the _id tie-breaker (continues strictly after its value)', async () => {
    const llCursor = Buffer.from('{"name":"b"}').toString('base64');
    const page = await paginateConnection(collection, { filter: {}, sort: { name: 1 }, first: 100, after: llCursor }, 'ps');
    expect(page.edges.map((edge) => edge.node.name)).to.deep.equal(['c', 'd']);
  });

  it('treats LL\'s empty cursor "e30=" as no position', async () => {
    const page = await paginateConnection(collection, { filter: {}, sort: { _id: 1 }, first: 3, after: 'e30=' }, 'generic');
    expect(seqs(page)).to.deep.equal(expectedOrder({ _id: 1 }).slice(0, 3));
  });
});
