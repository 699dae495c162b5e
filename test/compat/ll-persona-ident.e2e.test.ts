// Black-box tests of LL's `$personaIdent` filter condition (compat spec 3.1, LL's convert$personaIdent) over the
// real app: `{"<field>": {"$personaIdent": {"key": "persona.import.<k>", "value": v}}}` matches the personas of the
// caller's organisation that hold attribute k = v, wherever LL runs parseQuery (connection filters, count queries,
// ERM queries), and nowhere else (v2 lists). Another organisation's attributes never count.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { startCompatApp, q, type Client, type CompatApp } from './support/compat-app.ts';

const ident = (key: string, value: unknown) => ({ $personaIdent: { key, value } });
const HAIR_BLOND = ident('persona.import.hair', 'blond');

describe('LL /api $personaIdent filters (real app)', () => {
  let app: CompatApp;
  const ids: Record<string, string> = {};
  const identifierOf: Record<string, string> = {};

  async function persona(name: string, attributes: Record<string, string>, client: Client) {
    const id = (await app.call('POST', '/api/v2/persona', { client, body: { name } })).body._id as string;
    for (const [key, value] of Object.entries(attributes)) {
      const res = await app.call('POST', '/api/v2/personaattribute', { client, body: { personaId: id, key, value } });
      expect(res.status).to.equal(201);
    }
    const identifier = await app.call('POST', '/api/v2/personaidentifier', {
      client,
      body: { ifi: { key: 'mbox', value: `mailto:${name.toLowerCase()}@example.org` }, persona: id },
    });
    expect(identifier.status).to.equal(200);
    ids[name] = id;
    identifierOf[name] = identifier.body._id;
  }

  before(async () => {
    app = await startCompatApp();
    await persona('Ann', { hair: 'blond' }, app.a);
    await persona('Bob', { hair: 'brown' }, app.a);
    await persona('Cid', { hair: 'blond', team: 'red' }, app.a);
    await persona('Dee', {}, app.a);
    // Another organisation with the same key and value: never matched for organisation a.
    await persona('Zed', { hair: 'blond' }, app.b);
  });
  after(async () => app.close());

  const personaCount = async (query: unknown, client = app.a) => {
    const res = await app.call('GET', `/api/v2/persona/count?query=${q(query)}`, { client });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.count as number;
  };
  const connectionIds = async (kind: string, filter: unknown, client = app.a) => {
    const res = await app.call('GET', `/api/connection/${kind}?first=100&filter=${q(filter)}`, { client });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.edges.map((edge: any) => String(edge.node._id)).sort();
  };
  const sorted = (...names: string[]) => names.map((name) => ids[name]).sort();

  it('persona count and connection: the personas of the organisation with the attribute value', async () => {
    expect(await personaCount({ _id: HAIR_BLOND })).to.equal(2);
    expect(await connectionIds('persona', { _id: HAIR_BLOND })).to.deep.equal(sorted('Ann', 'Cid'));
    expect(await personaCount({ _id: ident('persona.import.hair', 'brown') })).to.equal(1);
  });

  it("organisation isolation: another organisation's attribute with the same key and value is never matched", async () => {
    expect(await connectionIds('persona', { _id: HAIR_BLOND })).to.not.include(ids.Zed);
    expect(await personaCount({ _id: HAIR_BLOND }, app.b)).to.equal(1);
    expect(await connectionIds('persona', { _id: HAIR_BLOND }, app.b)).to.deep.equal([ids.Zed]);
    // b's expansion yields only b's personas, so a's ids named explicitly beside it do not leak either.
    expect(await personaCount({ $or: [{ _id: HAIR_BLOND }, { name: 'Ann' }] }, app.b)).to.equal(1);
    // LL's REST create never checked `personaId`, so LL data can hold an attribute of organisation b that names a
    // persona of organisation a: it must not make that persona match in a.
    const stray = await app.built.store.collection('personaAttributes').insertOne({
      _id: new ObjectId(),
      organisation: app.b.organisation,
      personaId: new ObjectId(ids.Dee),
      key: 'hair',
      value: 'blond',
    });
    try {
      expect(await connectionIds('persona', { _id: HAIR_BLOND })).to.deep.equal(sorted('Ann', 'Cid'));
      expect(await personaCount({ _id: ident('persona.import.hair', 'blond') })).to.equal(2);
    } finally {
      await app.built.store.collection('personaAttributes').deleteOne({ _id: stray.insertedId, organisation: app.b.organisation });
    }
  });

  it('identifier count and connection filter on `persona`', async () => {
    const res = await app.call('GET', `/api/v2/personaidentifier/count?query=${q({ persona: HAIR_BLOND })}`);
    expect(res.body).to.deep.equal({ count: 2 });
    const nodes = await app.call('GET', `/api/connection/personaidentifier?filter=${q({ persona: HAIR_BLOND })}`);
    expect(nodes.body.edges.map((edge: any) => edge.node._id).sort()).to.deep.equal([identifierOf.Ann, identifierOf.Cid].sort());
  });

  it('attribute ERM query (list and count) and the attribute connection', async () => {
    const list = await app.call('GET', `/api/v2/personaattribute?query=${q({ personaId: HAIR_BLOND })}`);
    expect(list.status).to.equal(200);
    expect(list.body.map((attribute: any) => `${attribute.personaId}:${attribute.key}`).sort()).to.deep.equal(
      [`${ids.Ann}:hair`, `${ids.Cid}:hair`, `${ids.Cid}:team`].sort(),
    );
    expect((await app.call('GET', `/api/v2/personaattribute/count?query=${q({ personaId: HAIR_BLOND, key: 'team' })}`)).body).to.deep.equal(
      { count: 1 },
    );
    const connection = await app.call('GET', `/api/connection/personaattribute?first=100&filter=${q({ personaId: HAIR_BLOND })}`);
    expect(connection.status).to.equal(200);
    expect(connection.body.edges).to.have.length(3);
    // Organisation b through the ERM route: only Zed's attribute.
    const theirs = await app.call('GET', `/api/v2/personaattribute?query=${q({ personaId: HAIR_BLOND })}`, { client: app.b });
    expect(theirs.body.map((attribute: any) => attribute.personaId)).to.deep.equal([ids.Zed]);
  });

  it('nested inside $and, $or and $not', async () => {
    expect(await personaCount({ $or: [{ _id: HAIR_BLOND }, { _id: ident('persona.import.hair', 'brown') }] })).to.equal(3);
    expect(await connectionIds('persona', { $and: [{ _id: HAIR_BLOND }, { _id: ident('persona.import.team', 'red') }] })).to.deep.equal([
      ids.Cid,
    ]);
    expect(await connectionIds('persona', { $and: [{ $or: [{ _id: HAIR_BLOND }] }, { name: { $ne: 'Cid' } }] })).to.deep.equal([ids.Ann]);
    expect(await connectionIds('persona', { _id: { $not: HAIR_BLOND } })).to.deep.equal(sorted('Bob', 'Dee'));
  });

  it("a key without the persona.import. prefix is the attribute key as is (LL's key.replace leaves it unchanged)", async () => {
    expect(await personaCount({ _id: ident('hair', 'blond') })).to.equal(2);
    expect(await personaCount({ _id: ident('team', 'red') })).to.equal(1);
    expect(await personaCount({ _id: ident('persona.import.persona.import.hair', 'blond') }), 'only the first prefix is removed').to.equal(
      0,
    );
  });

  it('no matching attribute gives an empty $in: nothing matches', async () => {
    expect(await personaCount({ _id: ident('persona.import.hair', 'green') })).to.equal(0);
    expect(await personaCount({ _id: ident('persona.import.shoe', 'blond') })).to.equal(0);
    expect(await connectionIds('persona', { _id: ident('persona.import.hair', 'green') })).to.deep.equal([]);
    // Inside $or the empty branch matches nothing and the other branch still does.
    expect(await personaCount({ $or: [{ _id: ident('persona.import.hair', 'green') }, { name: 'Dee' }] })).to.equal(1);
  });

  it('the value may use safe operators (here $in) and ERM shorthands on the attribute routes', async () => {
    expect(await personaCount({ _id: ident('persona.import.hair', { $in: ['blond', 'brown'] }) })).to.equal(3);
    const shorthand = await app.call(
      'GET',
      `/api/v2/personaattribute/count?query=${q({ personaId: ident('persona.import.hair', '~^BR'), key: 'hair' })}`,
    );
    expect(shorthand.body).to.deep.equal({ count: 1 });
  });

  it('v2 list routes do not run parseQuery (LL: plain JSON.parse): $personaIdent is refused there with 400', async () => {
    for (const path of [
      `/api/v2/persona?filter=${q({ _id: HAIR_BLOND })}`,
      `/api/v2/personaidentifier?query=${q({ persona: HAIR_BLOND })}`,
    ]) {
      const res = await app.call('GET', path);
      expect(res.status, path).to.equal(400);
      expect(res.body.error.code).to.equal('query.unsupported_operator');
      expect(res.body.message).to.contain('$personaIdent');
    }
  });

  it('refuses misplaced or malformed $personaIdent and unsafe operators inside it with 400 naming the path', async () => {
    const refusals: Array<[unknown, string, string]> = [
      [HAIR_BLOND, 'query.invalid_filter', 'query.$personaIdent'],
      [{ _id: { ...HAIR_BLOND, $exists: true } }, 'query.invalid_filter', 'query._id.$personaIdent'],
      [{ _id: { $personaIdent: { key: 'persona.import.hair' } } }, 'query.invalid_filter', 'query._id.$personaIdent.value'],
      [{ _id: { $personaIdent: { value: 'blond' } } }, 'query.invalid_filter', 'query._id.$personaIdent.key'],
      [
        { _id: { $personaIdent: { key: 'hair', value: 'blond', organisation: 'x' } } },
        'query.invalid_filter',
        'query._id.$personaIdent.organisation',
      ],
      [{ _id: ident('persona.import.hair', { $where: 'sleep(1000)' }) }, 'query.unsafe_operator', 'query._id.$personaIdent.value.$where'],
      [{ _id: ident('persona.import.hair', { $expr: { $eq: [1, 1] } }) }, 'query.unsafe_operator', 'query._id.$personaIdent.value.$expr'],
      [{ _id: ident('persona.import.hair', HAIR_BLOND) }, 'query.unsupported_operator', 'query._id.$personaIdent.value.$personaIdent'],
      [{ _id: { $in: [HAIR_BLOND] } }, 'query.invalid_filter', 'query._id.$in.0.$personaIdent'],
      [{ $where: 'true', _id: HAIR_BLOND }, 'query.unsafe_operator', 'query.$where'],
    ];
    for (const [query, code, path] of refusals) {
      const res = await app.call('GET', `/api/v2/persona/count?query=${q(query)}`);
      expect(res.status, JSON.stringify(query)).to.equal(400);
      expect(res.body.error.code, JSON.stringify(query)).to.equal(code);
      expect(res.body.error.details[0].path, JSON.stringify(query)).to.equal(path);
    }
    // ERM routes check the query before authentication, as for any other query problem.
    const erm = await app.call('GET', `/api/v2/personaattribute?query=${q(HAIR_BLOND)}`, { client: null });
    expect(erm.status).to.equal(400);
    expect(erm.body.error.code).to.equal('query.invalid_filter');
  });

  it('the attribute lookup of the expansion uses the (organisation, key, value) index', async () => {
    const plan = await app.built.store
      .collection('personaAttributes')
      .explain({ organisation: app.a.organisation, key: 'hair', value: 'blond' }, { projection: { _id: 0, personaId: 1 } });
    expect(plan.indexName).to.equal('organisation_1_key_1_value_1');
    expect(plan.docsExamined).to.equal(2);
  });
});
