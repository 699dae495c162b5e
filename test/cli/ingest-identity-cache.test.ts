// The identifier → persona cache of `persona ingest` (resolver/identity-cache.ts) against changes made by OTHER
// processes: this process keeps one resolver with its cache alive, as a running ingest does, while `persona merge`,
// `persona merges undo` and `persona erase` run as child processes on the same store. Every batch after a change must
// resolve to the persona the store now gives (no statement resolves to a stale persona), and a batch of learners
// already met reads no identifier from the store (the cache is really used). The store is opened with openStore, as
// every process of the service opens it (the identity epoch is bumped there, store/identity-epoch.ts).
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ObjectId } from 'bson';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createIdentityCache } from '../../src/features/resolver/identity-cache.ts';
import { createResolver, resolverOptionsOf, type Resolver } from '../../src/features/resolver/resolver.service.ts';
import { ensureDefaultOrganisation } from '../../src/features/tenancy/default-organisation.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/port.ts';
import { checkAllIndexes } from '../../src/wiring/all-indexes.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

/** `store` whose identifier reads are counted (the store still answers them). */
function countingIdentifierReads(store: Store, counter: { reads: number }): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'collection') {
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (name: string) => {
        const collection = target.collection(name);
        if (name !== COLLECTIONS.identifiers) return collection;
        return new Proxy(collection, {
          get(inner, method, innerReceiver) {
            const value = Reflect.get(inner, method, innerReceiver);
            if (typeof value !== 'function') return value;
            if (method === 'find' || method === 'findOne')
              return (...args: unknown[]) => {
                counter.reads += 1;
                return value.apply(inner, args);
              };
            return value.bind(inner);
          },
        });
      };
    },
  });
}

describe('persona ingest: identity cache across processes', function () {
  this.timeout(120_000);
  let dir: string;
  let shared: ProcessStore;
  let store: Store;
  let resolver: Resolver;
  let organisation: ObjectId;
  const counter = { reads: 0 };

  before(async () => {
    dir = makeTempDir('persona-identity-cache-');
    shared = processStoreFor(join(dir, 'data'));
    const config = loadConfig({ ...shared.env, LOG_LEVEL: 'silent' });
    store = await openStore(config);
    await checkAllIndexes(store, { warn: () => {} }, config);
    organisation = (await ensureDefaultOrganisation(store)).organisation._id;
    resolver = createResolver({
      store: countingIdentifierReads(store, counter),
      options: resolverOptionsOf(config),
      identityCache: createIdentityCache(store),
    });
  });
  after(async () => {
    await store?.close();
    await shared?.discard();
    rmSync(dir, { recursive: true, force: true });
  });

  const persona = (args: string[]) => run(process.execPath, [cli, ...args], { env: { ...process.env, ...shared.env } });
  const learners = [
    agents.mbox('ann@example.org', 'Ann'),
    agents.mbox('bob@example.org', 'Bob'),
    agents.account('http://lms.example.org', 'carl'),
  ];

  /** One batch naming every learner; the persona id each resolved to, and the identifier reads it made. */
  async function ingestAll(): Promise<{ personas: string[]; reads: number }> {
    const before = counter.reads;
    const result = await resolver.resolveStatements(
      organisation,
      learners.map((actor) => statementBy(actor)),
    );
    expect(result.counts.rejected).to.equal(0);
    return { personas: result.results.map((statement) => statement.agents[0].personaId), reads: counter.reads - before };
  }

  /** What the store says now, read without any cache: each learner's identifier's persona. */
  async function truth(): Promise<string[]> {
    const fresh = createResolver({ store, options: resolverOptionsOf(loadConfig({ ...shared.env, LOG_LEVEL: 'silent' })) });
    return (await fresh.lookupAgents(organisation, learners)).map((found) => found!.personaId.toHexString());
  }

  it('answers repeat learners without reading identifiers, and follows merges, undos and erasures made by other processes', async () => {
    const first = await ingestAll();
    const [ann, bob, carl] = first.personas;
    expect(new Set(first.personas).size).to.equal(3);

    const repeat = await ingestAll();
    expect(repeat.personas).to.deep.equal(first.personas);
    expect(repeat.reads, 'identifier reads for learners already met').to.equal(0);

    // Another process merges Bob into Ann while this resolver (and its cache) stays up.
    const merge = JSON.parse((await persona(['merge', ann, bob, '--json'])).stdout) as { id: string };
    const afterMerge = await ingestAll();
    expect(afterMerge.personas).to.deep.equal([ann, ann, carl]);
    expect(afterMerge.personas).to.deep.equal(await truth());

    // It undoes the merge: Bob's identifier moves back to Bob.
    await persona(['merges', 'undo', merge.id, '--json']);
    const afterUndo = await ingestAll();
    expect(afterUndo.personas).to.deep.equal([ann, bob, carl]);
    expect(afterUndo.personas).to.deep.equal(await truth());

    // It erases Carl: his identifier is gone, so his next statement makes a new persona.
    await persona(['erase', carl, '--yes']);
    const afterErasure = await ingestAll();
    expect(afterErasure.personas.slice(0, 2)).to.deep.equal([ann, bob]);
    expect(afterErasure.personas[2]).to.not.equal(carl);
    expect(afterErasure.personas).to.deep.equal(await truth());

    // Nothing changed since: the cache answers again.
    const settled = await ingestAll();
    expect(settled.personas).to.deep.equal(afterErasure.personas);
    expect(settled.reads).to.equal(0);
  });
});
