// One organisation's data, written through every surface (/v1, statements, /api, /crud), read back through /v1,
// /api/v2, /api/connection and /crud: every surface shows the same personas, names, identifiers, attributes and
// counts, before and after a merge, and none of them shows the other organisation's data.
import { expect } from 'chai';
import { startCompatApp, type CompatApp } from './support/compat-app.ts';

interface Snapshot {
  personas: Map<string, string | null>;
  identifiers: Map<string, { persona: string; ifi: unknown }>;
  attributes: Map<string, { persona: string; key: string; value: unknown }>;
  counts: number[];
}

describe('the same data through /v1, /api/v2, /api/connection and /crud', () => {
  let app: CompatApp;
  before(async () => {
    app = await startCompatApp();
  });
  after(async () => app.close());

  async function all(path: string): Promise<any[]> {
    const items: any[] = [];
    let after: string | null = null;
    do {
      const res = await app.call(
        'GET',
        `${path}${path.includes('?') ? '&' : '?'}limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      expect(res.status, path).to.equal(200);
      items.push(...res.body.data);
      after = res.body.page.nextCursor;
    } while (after);
    return items;
  }

  async function connection(kind: string): Promise<any[]> {
    const res = await app.call('GET', `/api/connection/${kind}?first=1000`);
    expect(res.status).to.equal(200);
    expect(res.body.pageInfo.hasNextPage).to.equal(false);
    return res.body.edges.map((edge: any) => edge.node);
  }

  async function read(): Promise<Record<string, Snapshot>> {
    const v1Personas = await all('/v1/personas');
    const v1Identifiers = await all('/v1/identifiers');
    const v1Attributes = await all('/v1/attributes');
    const v2Personas = (await app.call('GET', '/api/v2/persona')).body;
    const v2Identifiers = (await app.call('GET', '/api/v2/personaidentifier')).body;
    const v2Attributes = (await app.call('GET', '/api/v2/personaattribute')).body;
    const crud = (await app.call('GET', '/crud/personas?limit=1000')).body;
    const count = async (path: string) => (await app.call('GET', path)).body.count as number;
    const llIdentifier = (i: any) => [i._id, { persona: i.persona, ifi: i.ifi }] as const;
    const llAttribute = (a: any) => [a._id, { persona: a.personaId, key: a.key, value: a.value }] as const;
    return {
      v1: {
        personas: new Map(v1Personas.map((p) => [p.id, p.name])),
        identifiers: new Map(v1Identifiers.map((i) => [i.id, { persona: i.persona, ifi: i.ifi }])),
        attributes: new Map(v1Attributes.map((a) => [a.id, { persona: a.persona, key: a.key, value: a.value }])),
        counts: [await count('/v1/personas/count'), await count('/v1/identifiers/count'), await count('/v1/attributes/count')],
      },
      v2: {
        personas: new Map(v2Personas.map((p: any) => [p._id, p.name])),
        identifiers: new Map(v2Identifiers.map(llIdentifier)),
        attributes: new Map(v2Attributes.map(llAttribute)),
        counts: [
          await count('/api/v2/persona/count'),
          await count('/api/v2/personaidentifier/count'),
          await count('/api/v2/personaattribute/count'),
        ],
      },
      connection: {
        personas: new Map((await connection('persona')).map((p) => [p._id, p.name])),
        identifiers: new Map((await connection('personaidentifier')).map(llIdentifier)),
        attributes: new Map((await connection('personaattribute')).map(llAttribute)),
        counts: [v2Personas.length, v2Identifiers.length, v2Attributes.length],
      },
      crud: {
        personas: new Map(crud.map((p: any) => [p.id, p.name])),
        identifiers: new Map(v1Identifiers.map((i) => [i.id, { persona: i.persona, ifi: i.ifi }])),
        attributes: new Map(v1Attributes.map((a) => [a.id, { persona: a.persona, key: a.key, value: a.value }])),
        counts: [crud.length, v1Identifiers.length, v1Attributes.length],
      },
    };
  }

  function expectAgreement(snapshots: Record<string, Snapshot>) {
    const { v1, ...others } = snapshots;
    for (const [surface, snapshot] of Object.entries(others)) {
      expect([...snapshot.personas.entries()].sort(), `${surface} personas`).to.deep.equal([...v1.personas.entries()].sort());
      expect([...snapshot.identifiers.entries()].sort(), `${surface} identifiers`).to.deep.equal([...v1.identifiers.entries()].sort());
      expect([...snapshot.attributes.entries()].sort(), `${surface} attributes`).to.deep.equal([...v1.attributes.entries()].sort());
      expect(snapshot.counts, `${surface} counts`).to.deep.equal(v1.counts);
    }
    expect(v1.counts).to.deep.equal([v1.personas.size, v1.identifiers.size, v1.attributes.size]);
  }

  it('agrees on personas, identifiers, attributes and counts, before and after a merge, and shows nothing of another organisation', async () => {
    // Written through every surface.
    const native = await app.call('POST', '/v1/personas', {
      body: {
        name: 'Native Nia',
        profile: { tagline: 'from v1' },
        identifiers: [{ key: 'mbox', value: 'mailto:nia@example.org' }],
        attributes: { cohort: '2024-a', level: 3 },
      },
    });
    expect(native.status).to.equal(201);
    const statements = await app.call('POST', '/v1/statements?wait=true', {
      body: [
        {
          actor: { name: 'Stat Sam', account: { homePage: 'http://lms.example.org', name: 'sam' } },
          verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
          object: { id: 'http://example.org/c1' },
        },
      ],
    });
    expect(statements.status).to.equal(200);
    const ll = (await app.call('POST', '/api/v2/persona', { body: { name: 'Legacy Lou' } })).body._id;
    await app.call('POST', '/api/v2/personaidentifier', {
      body: { ifi: { key: 'openid', value: 'http://id.example.org/lou' }, persona: ll },
    });
    await app.call('POST', '/api/v2/personaattribute', { body: { personaId: ll, key: 'dept', value: 'ops' } });
    const crud = (await app.call('POST', '/crud/personas', { body: [{ name: 'Crud Cay', tagline: 'from crud' }, { name: 'Crud Dee' }] }))
      .body;
    // Another organisation's data, written the same ways, must appear nowhere.
    await app.call('POST', '/v1/personas', {
      client: app.b,
      body: { name: 'Other Org', identifiers: [{ key: 'mbox', value: 'mailto:nia@example.org' }], attributes: { cohort: 'x' } },
    });
    await app.call('POST', '/crud/personas', { client: app.b, body: { name: 'Other Crud' } });

    const before = await read();
    expectAgreement(before);
    expect(before.v1.personas.size).to.equal(5);
    expect([...before.v1.personas.values()]).to.not.include.members(['Other Org', 'Other Crud']);
    expect(before.v1.identifiers.size).to.equal(3);
    expect(before.v1.attributes.size).to.equal(3);

    // One persona read singly through each surface.
    const id = native.body.id;
    const v1One = (await app.call('GET', `/v1/personas/${id}`)).body;
    const v2One = (await app.call('GET', `/api/v2/persona/${id}`)).body;
    const crudOne = (await app.call('GET', `/crud/personas?id=${id}`)).body;
    expect([v2One.name, crudOne.name, crudOne.tagline]).to.deep.equal([v1One.name, v1One.name, v1One.profile.tagline]);
    const v2Identifiers = (await app.call('GET', `/api/v2/personaidentifier?filter=${encodeURIComponent(JSON.stringify({ persona: id }))}`))
      .body;
    expect(v2Identifiers.map((i: any) => i._id)).to.deep.equal(v1One.identifiers.map((i: any) => i.id));

    // A merge through LL's route is seen the same way everywhere: the source is gone, its data on the target.
    const merged = await app.call('POST', `/api/mergepersona?mergePersonaFromId=${ll}&mergePersonaToId=${crud[0].id}`);
    expect(merged.status).to.equal(200);
    const after = await read();
    expectAgreement(after);
    expect(after.v1.personas.has(ll)).to.equal(false);
    expect([...after.v1.identifiers.values()].filter((i) => i.persona === crud[0].id)).to.have.length(1);
    expect([...after.v1.attributes.values()].filter((a) => a.persona === crud[0].id).map((a) => a.key)).to.deep.equal(['dept']);
    expect((await app.call('GET', `/crud/personas?id=${ll}`)).status).to.equal(404);
    expect((await app.call('GET', `/api/v2/persona/${ll}`)).status).to.equal(404);
  });
});
