// Learning Locker database mode end to end: a store holding documents exactly as Learning Locker writes them
// (organisations, `client` with clear-text Basic credentials, personas with null names, identifiers in both account
// key orders, locked ones, attributes with __v) is migrated by the CLI entry, then the app serves it: LL's own
// client credentials work unchanged on /api, LL documents read back in LL's shapes, and new writes coexist.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { runLearningLockerMigration } from '../../src/cli/migrate-ll.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { makeTempDir } from '../support/temp-store.ts';
import { startCompatApp, q, type CompatApp, type Client } from './support/compat-app.ts';

describe('Learning Locker database mode (migrate, then serve LL clients unchanged)', () => {
  let app: CompatApp;
  let output: any;
  const org = new ObjectId();
  const ann = new ObjectId();
  const nameless = new ObjectId();
  const ids = { accountHN: new ObjectId(), accountNH: new ObjectId(), mbox: new ObjectId() };
  const llKey = 'a'.repeat(40);
  const llSecret = 'b'.repeat(40);
  const llClient = (): Client => ({ key: llKey, secret: llSecret, organisation: org });

  before(async () => {
    const dataDir = makeTempDir('persona-ll-db-');
    const store = await openEmbeddedStore({ dataDir });
    await store.collection(COLLECTIONS.organisations).insertOne({ _id: org, name: 'LL org', createdAt: new Date('2019-01-01') });
    await store.collection('client').insertMany([
      {
        _id: new ObjectId(),
        organisation: org,
        title: 'dashboard',
        isTrusted: true,
        scopes: ['all'],
        api: { basic_key: llKey, basic_secret: llSecret },
      },
      {
        _id: new ObjectId(),
        organisation: org,
        title: 'xapi only',
        isTrusted: true,
        scopes: ['xapi/read'],
        api: { basic_key: 'c'.repeat(40), basic_secret: 'd'.repeat(40) },
      },
      {
        _id: new ObjectId(),
        organisation: org,
        title: 'disabled',
        isTrusted: false,
        scopes: ['all'],
        api: { basic_key: 'e'.repeat(40), basic_secret: 'f'.repeat(40) },
      },
    ]);
    await store.collection(COLLECTIONS.personas).insertMany([
      { _id: ann, organisation: org, name: 'Ann' },
      { _id: nameless, organisation: org, name: null },
    ]);
    await store.collection(COLLECTIONS.identifiers).insertMany([
      {
        _id: ids.accountHN,
        organisation: org,
        persona: ann,
        locked: false,
        ifi: { key: 'account', value: { homePage: 'http://lms.example.org', name: 'u1' } },
      },
      {
        _id: ids.accountNH,
        organisation: org,
        persona: nameless,
        locked: false,
        ifi: { key: 'account', value: { name: 'u1', homePage: 'http://lms.example.org' } },
      },
      { _id: ids.mbox, organisation: org, persona: ann, ifi: { key: 'mbox', value: 'mailto:ann@example.org' } },
    ]);
    await store.collection(COLLECTIONS.attributes).insertOne({
      _id: new ObjectId(),
      organisation: org,
      personaId: ann,
      key: 'dept',
      value: 'sales',
      __v: 0,
      createdAt: new Date('2020-01-01'),
      updatedAt: new Date('2020-01-01'),
    });
    await store.close();

    const saved = { STORE: process.env.STORE, DATA_DIR: process.env.DATA_DIR };
    const log = console.log;
    let printed = '';
    process.env.STORE = 'embedded';
    process.env.DATA_DIR = dataDir;
    console.log = (text: string) => {
      printed += text;
    };
    try {
      await runLearningLockerMigration({ json: true, onIndex: () => {} });
    } finally {
      console.log = log;
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    output = JSON.parse(printed);
    app = await startCompatApp({ dataDir });
  });
  after(async () => app?.close());

  it('reports collisions and the imported clients, skipping untrusted ones and those without a usable scope', () => {
    expect(output.collisions).to.have.length(1);
    expect(output.collisions[0]).to.include({ keptId: ids.accountHN.toHexString() });
    expect(output.clientsImported).to.equal(1);
    expect(output.clientsSkipped.map((skipped: any) => skipped.reason)).to.have.length(2);
  });

  it("LL's client credentials work unchanged and see LL's documents in LL's shapes", async () => {
    const personas = await app.call('GET', `/api/v2/persona?sort=${q({ _id: 1 })}`, { client: llClient() });
    expect(personas.status).to.equal(200);
    expect(personas.body).to.deep.include({ _id: nameless.toHexString(), name: null, organisation: org.toHexString() });
    expect(personas.body).to.deep.include({ _id: ann.toHexString(), name: 'Ann', organisation: org.toHexString() });
    const identifier = await app.call('GET', `/api/v2/personaidentifier/${ids.accountNH.toHexString()}`, { client: llClient() });
    expect(identifier.status).to.equal(200);
    expect(JSON.stringify(identifier.body.ifi.value)).to.equal(JSON.stringify({ name: 'u1', homePage: 'http://lms.example.org' }));
    const attributes = await app.call('GET', `/api/v2/personaattribute?query=${q({ personaId: ann.toHexString() })}`, {
      client: llClient(),
    });
    expect(attributes.body[0]).to.include({ key: 'dept', value: 'sales', __v: 0 });
    const nested = await app.call('GET', `/api/connection/personaidentifier?filter=${q({ 'ifi.value.name': 'u1' })}`, {
      client: llClient(),
    });
    expect(nested.body.edges).to.have.length(2);
    for (const key of ['c', 'e']) {
      const refused = await app.call('GET', '/api/v2/persona', {
        client: { key: key.repeat(40), secret: (key === 'c' ? 'd' : 'f').repeat(40), organisation: org },
      });
      expect(refused.status).to.equal(401);
    }
    expect((await app.call('GET', '/api/v2/persona', { client: { ...llClient(), secret: 'x'.repeat(40) } })).status).to.equal(401);
  });

  it('writes coexist with LL data: the canonical key stops a duplicate of an LL identifier, merges clean up collisions', async () => {
    const duplicate = await app.call('POST', '/api/v2/personaidentifier', {
      client: llClient(),
      body: { ifi: { key: 'mbox', value: 'ann@example.org' }, persona: nameless.toHexString() },
    });
    expect(duplicate.status).to.equal(400);
    expect(duplicate.body.message).to.equal('This model already exists');
    const merged = await app.call(
      'POST',
      `/api/mergepersona?mergePersonaFromId=${nameless.toHexString()}&mergePersonaToId=${ann.toHexString()}`,
      { client: llClient() },
    );
    expect(merged.status).to.equal(200);
    expect(merged.body.identifierIds).to.deep.equal([ids.accountNH.toHexString()]);
    const count = await app.call('GET', `/api/v2/personaidentifier/count?query=${q({ persona: { $oid: ann.toHexString() } })}`, {
      client: llClient(),
    });
    expect(count.body).to.deep.equal({ count: 3 });
    // Another organisation's client sees none of it.
    expect((await app.call('GET', `/api/v2/persona/${ann.toHexString()}`, { client: app.a })).status).to.equal(404);
  });
});
