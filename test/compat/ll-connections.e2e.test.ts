// Black-box tests of the connection routes (compat spec 4; routes 7, 16, 23) over the real app: cursor paging
// forwards and backwards across page boundaries with ties in the sort key, LL cursor encodings accepted, nested-field
// and $oid filters, `project`, `hint`, isolation, and index use of the queries the routes really run (explain).
import { expect } from 'chai';
import type { Collection, Filter, FindOptions, Store } from '../../src/store/port.ts';
import { startCompatApp, q, type CompatApp } from './support/compat-app.ts';

interface Run {
  collection: string;
  filter: Filter;
  options: FindOptions;
}

/** Records every find the app runs, so the test can explain exactly the queries a route issued. */
function recordFinds(store: Store): Run[] {
  const runs: Run[] = [];
  const original = store.collection.bind(store);
  store.collection = (<T extends Record<string, any>>(name: string) => {
    const collection = original<T>(name) as Collection<T>;
    return new Proxy(collection, {
      get(target, property, receiver) {
        if (property === 'find')
          return (filter: Filter = {}, options: FindOptions = {}) => {
            runs.push({ collection: name, filter, options });
            return target.find(filter, options);
          };
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }) as Store['collection'];
  return runs;
}

describe('LL /api connection routes (real app)', () => {
  let app: CompatApp;
  let runs: Run[];
  const NAMES = ['d', 'a', 'c', 'a', 'b', 'a', 'd', 'c', 'a', 'b', 'e', 'a', 'c', 'b', 'a', 'd', 'a', 'e', 'b', 'a', 'c', 'a'];
  /** Personas of organisation A in LL's sort {name: 1} with our `_id` tie-breaker. */
  let expected: Array<{ _id: string; name: string }>;
  let theirs: string;

  before(async () => {
    app = await startCompatApp();
    for (const name of NAMES) await app.call('POST', '/api/v2/persona', { body: { name } });
    theirs = (await app.call('POST', '/api/v2/persona', { client: app.b, body: { name: 'a' } })).body._id;
    const all = (await app.call('GET', `/api/v2/persona?sort=${q({ name: 1, _id: 1 })}`)).body;
    expected = all.map((p: any) => ({ _id: p._id, name: p.name }));
    runs = recordFinds(app.built.store);
  });
  after(async () => app.close());

  const connection = async (kind: string, params: Record<string, unknown>, client = app.a) => {
    const query = Object.entries(params)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? encodeURIComponent(value) : q(value)}`)
      .join('&');
    return app.call('GET', `/api/connection/${kind}?${query}`, { client });
  };

  it('pages forwards across ties in the sort key without skipping or repeating, with truthful pageInfo', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await connection('persona', { sort: { name: 1 }, first: '4', ...(after ? { after } : {}) });
      expect(res.status).to.equal(200);
      const { edges, pageInfo } = res.body;
      expect(pageInfo.hasPreviousPage).to.equal(pages > 0);
      seen.push(...edges.map((edge: any) => edge.node._id));
      pages += 1;
      if (!pageInfo.hasNextPage) break;
      expect(edges).to.have.length(4);
      expect(pageInfo.endCursor).to.equal(edges[3].cursor);
      after = pageInfo.endCursor;
    }
    expect(seen).to.deep.equal(expected.map((p) => p._id));
    expect(pages).to.equal(Math.ceil(NAMES.length / 4));
  });

  it('pages backwards: each page holds the N items immediately before the cursor, in forward order', async () => {
    const last = await connection('persona', { sort: { name: 1 }, first: '100' });
    let before: string = last.body.edges[last.body.edges.length - 1].cursor;
    const collected: string[][] = [];
    for (;;) {
      const res = await connection('persona', { sort: { name: 1 }, last: '5', before });
      expect(res.status).to.equal(200);
      const { edges, pageInfo } = res.body;
      collected.unshift(edges.map((edge: any) => edge.node._id));
      expect(pageInfo.hasNextPage).to.equal(true);
      if (!pageInfo.hasPreviousPage) break;
      before = pageInfo.startCursor;
    }
    // Everything before the last item, in order, each page the 5 just before its cursor.
    expect(collected.flat()).to.deep.equal(expected.slice(0, -1).map((p) => p._id));
    expect(collected.slice(1).every((page) => page.length === 5)).to.equal(true);
  });

  it('descending sorts page the same data in reverse, and an LL-issued cursor is accepted', async () => {
    const down: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await connection('persona', { sort: { name: -1, _id: -1 }, first: '6', ...(after ? { after } : {}) });
      down.push(...res.body.edges.map((edge: any) => edge.node._id));
      if (!res.body.pageInfo.hasNextPage) break;
      after = res.body.pageInfo.endCursor;
    }
    expect(down).to.deep.equal(expected.map((p) => p._id).reverse());
    // PS cursor of sort {_id: 1}, built as LL builds it (base64 of {"_id": {"$oid": hex}}).
    const ids = [...expected.map((p) => p._id)].sort();
    const llCursor = Buffer.from(JSON.stringify({ _id: { $oid: ids[9] } }), 'ascii').toString('base64');
    const res = await connection('persona', { first: '3', after: llCursor });
    expect(res.body.edges.map((edge: any) => edge.node._id)).to.deep.equal(ids.slice(10, 13));
    expect(res.body.edges[0].cursor).to.equal(Buffer.from(JSON.stringify({ _id: { $oid: ids[10] } })).toString('base64'));
    expect(Object.keys(res.body.pageInfo)).to.deep.equal(['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor']);
  });

  it('a malformed cursor, bad JSON or unsafe operator is 400, never 500; the default page size is 10', async () => {
    for (const params of [
      { after: 'not-base64-json' },
      { before: Buffer.from('[1]').toString('base64') },
      { filter: '{oops' },
      { filter: { $where: 'true' } },
      { sort: { name: 2 } },
    ]) {
      const res = await connection('persona', params);
      expect(res.status, JSON.stringify(params)).to.equal(400);
      expect(res.body.errorId).to.be.a('string');
    }
    const res = await connection('persona', {});
    expect(res.body.edges).to.have.length(10);
  });

  it('hint: an index name (JSON string) or key object is used; an unknown index is 400', async () => {
    const byName = await connection('persona', { hint: JSON.stringify('organisation_1'), first: '3' });
    expect(byName.status).to.equal(200);
    expect(byName.body.edges.map((edge: any) => edge.node._id)).to.deep.equal([...expected.map((p) => p._id)].sort().slice(0, 3));
    const byKeys = await connection('persona', { hint: { organisation: 1, name: 1, _id: 1 }, sort: { name: 1 }, first: '3' });
    expect(byKeys.body.edges.map((edge: any) => edge.node._id)).to.deep.equal(expected.slice(0, 3).map((p) => p._id));
    // LL's own index names that our store does not keep are dropped, not refused (they were written for LL's database).
    const llOnly = await connection('personaidentifier', { hint: JSON.stringify('organisation_1_ifi_1') });
    expect(llOnly.status).to.equal(200);
    expect((await connection('personaattribute', { hint: { personaId: 1, key: 1 } })).status).to.equal(200);
    const unknown = await connection('persona', { hint: JSON.stringify('no_such_index') });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.code).to.equal('query.invalid_hint');
  });

  it('filters with $oid, projects fields, and never shows another organisation', async () => {
    const target = expected[3]._id;
    const byOid = await connection('persona', { filter: { _id: { $oid: target } } });
    expect(byOid.body.edges.map((edge: any) => edge.node._id)).to.deep.equal([target]);
    const projected = await connection('persona', { filter: { name: 'e' }, project: { name: 1 } });
    expect(projected.body.edges).to.have.length(2);
    expect(projected.body.edges.every((edge: any) => Object.keys(edge.node).sort().join() === '_id,name')).to.equal(true);
    const foreign = await connection('persona', { filter: { _id: { $oid: theirs } } });
    expect(foreign.body.edges).to.deep.equal([]);
    expect(foreign.body.pageInfo).to.deep.equal({ hasNextPage: false, hasPreviousPage: false });
    const widened = await connection('persona', {
      filter: { $or: [{ organisation: { $oid: app.b.organisation.toHexString() } }, { name: 'a' }] },
      first: '100',
    });
    expect(widened.body.edges.map((edge: any) => edge.node._id)).to.not.include(theirs);
    expect(widened.body.edges).to.have.length(NAMES.filter((name) => name === 'a').length);
  });

  it('identifier connection: nested-field filter on ifi.value.homePage, persona $in of $oid, paging, isolation', async () => {
    const personaIds = expected.slice(0, 3).map((p) => p._id);
    for (let i = 0; i < 7; i += 1) {
      const ifi = { key: 'account', value: { homePage: i % 2 ? 'http://lms.example.org' : 'http://other.example.org', name: `u${i}` } };
      expect((await app.call('POST', '/api/v2/personaidentifier', { body: { ifi, persona: personaIds[i % 3] } })).status).to.equal(200);
    }
    const theirPersona = (await app.call('POST', '/api/v2/persona', { client: app.b, body: { name: 'x' } })).body._id;
    await app.call('POST', '/api/v2/personaidentifier', {
      client: app.b,
      body: { ifi: { key: 'account', value: { homePage: 'http://lms.example.org', name: 'u1' } }, persona: theirPersona },
    });

    const filter = { 'ifi.value.homePage': 'http://lms.example.org' };
    const first = await connection('personaidentifier', { filter, sort: { 'ifi.value.name': 1 }, first: '2' });
    expect(first.status).to.equal(200);
    expect(first.body.edges.map((edge: any) => edge.node.ifi.value.name)).to.deep.equal(['u1', 'u3']);
    expect(first.body.edges[0].node).to.include.keys('locked');
    const second = await connection('personaidentifier', {
      filter,
      sort: { 'ifi.value.name': 1 },
      first: '2',
      after: first.body.pageInfo.endCursor,
    });
    expect(second.body.edges.map((edge: any) => edge.node.ifi.value.name)).to.deep.equal(['u5']);
    expect(second.body.pageInfo).to.include({ hasNextPage: false, hasPreviousPage: true });
    const back = await connection('personaidentifier', {
      filter,
      sort: { 'ifi.value.name': 1 },
      last: '2',
      before: second.body.pageInfo.startCursor,
    });
    expect(back.body.edges.map((edge: any) => edge.node.ifi.value.name)).to.deep.equal(['u1', 'u3']);
    expect(back.body.edges.every((edge: any) => edge.node.organisation === app.a.organisation.toHexString())).to.equal(true);

    const byPersona = await connection('personaidentifier', { filter: { persona: { $in: [{ $oid: personaIds[1] }] } } });
    expect(byPersona.body.edges.map((edge: any) => edge.node.ifi.value.name).sort()).to.deep.equal(['u1', 'u4']);
    const byPersonaText = await connection('personaidentifier', { filter: { persona: personaIds[2] } });
    expect(byPersonaText.body.edges.map((edge: any) => edge.node.ifi.value.name).sort()).to.deep.equal(['u2', 'u5']);
    const foreign = await connection('personaidentifier', { filter: { persona: theirPersona } });
    expect(foreign.body.edges).to.deep.equal([]);
  });

  it('attribute connection: LL generic cursors (plain hex ids), no cursors on an empty page, paging both ways', async () => {
    const personaId = expected[0]._id;
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5'])
      await app.call('POST', '/api/v2/personaattribute', { body: { personaId, key, value: 'same' } });
    const first = await connection('personaattribute', { filter: { personaId: { $oid: personaId } }, sort: { value: 1 }, first: '2' });
    expect(first.status).to.equal(200);
    expect(Object.keys(first.body.pageInfo)).to.deep.equal(['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor']);
    const decoded = JSON.parse(Buffer.from(first.body.pageInfo.endCursor, 'base64').toString());
    expect(decoded._id)
      .to.be.a('string')
      .and.match(/^[0-9a-f]{24}$/);
    const keys: string[] = first.body.edges.map((edge: any) => edge.node.key);
    let page = first.body;
    while (page.pageInfo.hasNextPage) {
      page = (
        await connection('personaattribute', {
          filter: { personaId: { $oid: personaId } },
          sort: { value: 1 },
          first: '2',
          after: page.pageInfo.endCursor,
        })
      ).body;
      keys.push(...page.edges.map((edge: any) => edge.node.key));
    }
    expect(keys.sort()).to.deep.equal(['k1', 'k2', 'k3', 'k4', 'k5']);
    const empty = await connection('personaattribute', { filter: { key: 'none' } });
    expect(empty.body.pageInfo).to.deep.equal({ hasNextPage: false, hasPreviousPage: false });
  });

  it('the queries the routes run on indexed fields use indexes (store explain)', async () => {
    const explainLast = async (collection: string) => {
      const run = [...runs].reverse().find((entry) => entry.collection === collection);
      expect(run, collection).to.not.equal(undefined);
      return app.built.store.collection(collection).explain(run!.filter, run!.options);
    };
    runs.length = 0;
    await connection('persona', { sort: { name: 1 }, first: '4' });
    const firstPage = await explainLast('personas');
    expect(firstPage.indexName).to.equal('organisation_1_name_1__id_1');
    expect(firstPage.sortedByIndex).to.equal(true);

    await connection('personaidentifier', { filter: { 'ifi.value.homePage': 'http://lms.example.org' } });
    const nested = await explainLast('personaIdentifiers');
    expect(nested.indexName).to.match(/ifi\.value\.homePage/);

    await connection('personaidentifier', { filter: { persona: { $in: [{ $oid: expected[1]._id }] } } });
    expect((await explainLast('personaIdentifiers')).indexName).to.equal('organisation_1_persona_1');

    // Deep pages: the cursor becomes a keyset condition that is one index range, so a page reads only itself
    // (size + 1 documents), at any depth, for LL's default sort and for a sort on the persona name.
    const page = await connection('persona', { sort: { name: 1 }, first: '4' });
    const second = await connection('persona', { sort: { name: 1 }, first: '4', after: page.body.pageInfo.endCursor });
    await connection('persona', { sort: { name: 1 }, first: '4', after: second.body.pageInfo.endCursor });
    const deep = await explainLast('personas');
    expect(deep.indexName).to.equal('organisation_1_name_1__id_1');
    expect(deep.sortedByIndex).to.equal(true);
    expect(deep.docsExamined).to.be.at.most(5);
    const byId = await connection('persona', { first: '4' });
    await connection('persona', { first: '4', after: byId.body.pageInfo.endCursor });
    const deepById = await explainLast('personas');
    expect(deepById.indexName).to.equal('organisation_1__id_1');
    expect(deepById.docsExamined).to.be.at.most(5);
  });
});
