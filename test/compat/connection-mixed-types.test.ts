// The connection pager on the embedded store with every JSON type in the sort key (missing, null, numbers, strings,
// objects, booleans, dates; not arrays, which MongoDB sorts by an element) and ties: the split keyset condition (same-type index range first, other
// types after) pages forwards and backwards through exactly the store's own sort order, and a deep page on a
// string sort reads only the page from the index.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { paginateConnection } from '../../src/compat/learning-locker/connection.ts';
import type { Document, Sort } from '../../src/store/port.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

const VALUES: unknown[] = [
  undefined,
  null,
  3,
  1,
  'b',
  'a',
  { x: 1 },
  true,
  false,
  new Date('2020-01-01'),
  'b',
  3,
  null,
  'c',
  undefined,
  { x: 1 },
  2.5,
  'a',
];

describe('connection pager on the embedded store: mixed types and deep pages', () => {
  let temp: TempStore;
  const org = new ObjectId();
  before(async () => {
    temp = await openTempEmbeddedStore();
    const docs: Document[] = [];
    for (let round = 0; round < 3; round += 1) {
      for (const value of VALUES)
        docs.push(
          value === undefined ? { _id: new ObjectId(), organisation: org } : { _id: new ObjectId(), organisation: org, name: value },
        );
    }
    for (let i = 0; i < 400; i += 1) docs.push({ _id: new ObjectId(), organisation: org, name: `s${String(i % 40).padStart(2, '0')}` });
    await temp.store.collection('personas').insertMany(docs);
  });
  after(async () => temp.close());

  for (const sort of [{ name: 1 }, { name: -1 }] as Sort[]) {
    it(`pages forwards and backwards in the store's order for sort ${JSON.stringify(sort)}`, async () => {
      const collection = temp.store.collection('personas');
      const filter = { organisation: org };
      const expected = (await collection.find(filter, { sort: { ...sort, _id: 1 } })).map((doc) => doc._id.toHexString());
      const forwards: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await paginateConnection(collection, { filter, sort, first: 7, after }, 'ps');
        forwards.push(...page.edges.map((edge) => String(edge.node._id)));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor as string;
      }
      expect(forwards).to.deep.equal(expected);
      const all = await paginateConnection(collection, { filter, sort, first: 10_000 }, 'ps');
      let before = all.edges[all.edges.length - 1].cursor;
      const backwards: string[][] = [];
      for (;;) {
        const page = await paginateConnection(collection, { filter, sort, last: 7, before }, 'ps');
        backwards.unshift(page.edges.map((edge) => String(edge.node._id)));
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor as string;
      }
      expect(backwards.flat()).to.deep.equal(expected.slice(0, -1));
    });
  }

  it('a deep page on a string sort reads the page from the index, not everything before it', async () => {
    await temp.store.collection('personas').createIndex({ organisation: 1, name: 1, _id: 1 });
    const collection = temp.store.collection('personas');
    const finds: Array<[Document, Document]> = [];
    const spy = new Proxy(collection, {
      get(target, property) {
        if (property === 'find')
          return (filter: Document, options: Document) => {
            finds.push([filter, options]);
            return target.find(filter, options);
          };
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const all = await paginateConnection(collection, { filter: { organisation: org }, sort: { name: 1 }, first: 10_000 }, 'ps');
    const cursor = all.edges.find((edge) => edge.node.name === 's30')!.cursor;
    const page = await paginateConnection(spy, { filter: { organisation: org }, sort: { name: 1 }, first: 5, after: cursor }, 'ps');
    expect(page.edges).to.have.length(5);
    const plan = await collection.explain(finds[0][0], finds[0][1]);
    expect(plan.indexName).to.equal('organisation_1_name_1__id_1');
    expect(plan.docsExamined).to.be.at.most(6);
  });
});
