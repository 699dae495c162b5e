// The resolver against a real store: the shared corpus, batching, canonical identity, mbox ↔ sha1 linking,
// crash repair and tombstones. Concurrency has its own file.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createResolver, type Resolver } from '../../src/features/resolver/resolver.service.ts';
import type { Collection, Document, Store } from '../../src/store/port.ts';
import { agents, invalidCorpus, statementBy, validCorpus } from '../support/statements.ts';
import { availableStoreFactories, type TempStore } from '../support/temp-store.ts';

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

for (const factory of availableStoreFactories()) {
  describe(`resolver (${factory.name} store)`, () => {
    let temp: TempStore;
    let store: Store;
    let resolver: Resolver;
    const organisation = new ObjectId();

    beforeEach(async () => {
      temp = await factory.open();
      store = temp.store;
      resolver = createResolver({ store, options: { includeAuthority: false, linkMboxSha1sum: true } });
    });
    afterEach(async () => temp.close());

    const count = (name: string, filter: Document = {}): Promise<number> => store.collection(name).countDocuments(filter);

    it('resolves every valid statement of the shared corpus, and a second run creates nothing', async () => {
      const statements = validCorpus();
      const first = await resolver.resolveStatements(organisation, statements);
      const rejected = first.results.filter((result) => result.status === 'rejected');
      expect(
        rejected.map((result) => result.error),
        'no valid statement may be rejected',
      ).to.deep.equal([]);
      expect(first.counts.resolved).to.equal(statements.length);
      expect(first.counts.identifiersCreated).to.equal(await count(COLLECTIONS.identifiers));
      expect(first.counts.personasCreated).to.equal(await count(COLLECTIONS.personas));
      expect(first.counts.identifiersCreated).to.be.greaterThan(50);

      const second = await resolver.resolveStatements(organisation, statements);
      expect(second.counts).to.deep.include({ identifiersCreated: 0, personasCreated: 0, resolved: statements.length });
      expect(second.results.map((result) => result.agents.map((agent) => agent.personaId))).to.deep.equal(
        first.results.map((result) => result.agents.map((agent) => agent.personaId)),
      );
    });

    it('rejects every invalid statement of the shared corpus with the path of its reason, writing nothing', async () => {
      const cases = invalidCorpus();
      const result = await resolver.resolveStatements(
        organisation,
        cases.map((entry) => entry.statement),
      );
      expect(result.counts.rejected).to.equal(cases.length);
      result.results.forEach((statementResult, index) => {
        expect(statementResult.status).to.equal('rejected');
        expect(reasonPaths(cases[index].reason), cases[index].reason).to.include(statementResult.error!.path);
      });
      expect(await count(COLLECTIONS.identifiers)).to.equal(0);
      expect(await count(COLLECTIONS.personas)).to.equal(0);
    });

    it('one bad statement in an array does not stop the others', async () => {
      const result = await resolver.resolveStatements(organisation, [
        statementBy(agents.mbox('ann@example.org')),
        { actor: { mbox: 'ann@example.org' } },
        statementBy(agents.mbox('bob@example.org')),
      ]);
      expect(result.results.map((entry) => entry.status)).to.deep.equal(['resolved', 'rejected', 'resolved']);
      expect(await count(COLLECTIONS.identifiers)).to.equal(2);
    });

    it('reports each agent with role, path, identifier, persona and whether this call created it', async () => {
      const statement = statementBy(agents.mbox('ann@example.org', 'Ann'), { instructor: agents.account('http://lms.example.org', 't1') });
      const [result] = (await resolver.resolveStatements(organisation, [statement, statementBy(agents.mbox('ann@example.org'))])).results;
      expect(result.agents.map((agent) => [agent.role, agent.path, agent.created])).to.deep.equal([
        ['actor', 'actor', true],
        ['instructor', 'context.instructor', true],
      ]);
      const persona = await store.collection(COLLECTIONS.personas).findOne({ _id: new ObjectId(result.agents[0].personaId) });
      expect(persona).to.include({ name: 'Ann', createdBy: 'resolver' });
      const identifier = await store.collection(COLLECTIONS.identifiers).findOne({ _id: new ObjectId(result.agents[0].identifierId) });
      expect(identifier!.persona.toHexString()).to.equal(result.agents[0].personaId);
      expect(identifier!.ifi).to.deep.equal({ key: 'mbox', value: 'mailto:ann@example.org' });
    });

    it('de-duplicates identifiers within a batch: one identifier and one persona, created once', async () => {
      const statements = Array.from({ length: 50 }, () => statementBy(agents.openid('http://id.example.org/zoe')));
      const result = await resolver.resolveStatements(organisation, statements);
      expect(result.counts).to.deep.include({ identifiersCreated: 1, personasCreated: 1 });
      expect(result.results.filter((entry) => entry.agents[0].created)).to.have.length(1);
      expect(new Set(result.results.map((entry) => entry.agents[0].personaId)).size).to.equal(1);
    });

    it('treats account key order and mbox scheme/domain case as the same identifier', async () => {
      const result = await resolver.resolveStatements(organisation, [
        statementBy({ account: { homePage: 'http://lms.example.org', name: 'u1' } }),
        statementBy({ account: { name: 'u1', homePage: 'http://lms.example.org' } }),
        statementBy({ mbox: 'mailto:Ann@example.org' }),
        statementBy({ mbox: 'MAILTO:Ann@EXAMPLE.ORG' }),
      ]);
      const personas = result.results.map((entry) => entry.agents[0].personaId);
      expect(personas[0]).to.equal(personas[1]);
      expect(personas[2]).to.equal(personas[3]);
      expect(await count(COLLECTIONS.identifiers)).to.equal(2);
      const account = await store.collection(COLLECTIONS.identifiers).findOne({ 'ifi.key': 'account' });
      expect(Object.keys(account!.ifi.value)).to.deep.equal(['homePage', 'name']);
    });

    it('links mbox and mbox_sha1sum of one address to one persona whichever arrives first', async () => {
      const mboxFirst = await resolver.resolveStatements(organisation, [statementBy(agents.mbox('ann@example.org'))]);
      const thenSha1 = await resolver.resolveStatements(organisation, [
        statementBy(agents.sha1(sha1('mailto:ann@example.org').toUpperCase())),
      ]);
      expect(thenSha1.results[0].agents[0].personaId).to.equal(mboxFirst.results[0].agents[0].personaId);
      expect(thenSha1.counts).to.deep.include({ identifiersCreated: 1, personasCreated: 0 });

      const sha1First = await resolver.resolveStatements(organisation, [statementBy(agents.sha1(sha1('mailto:bob@example.org')))]);
      const thenMbox = await resolver.resolveStatements(organisation, [statementBy(agents.mbox('bob@EXAMPLE.org'))]);
      expect(thenMbox.results[0].agents[0].personaId).to.equal(sha1First.results[0].agents[0].personaId);

      const sameBatch = await resolver.resolveStatements(organisation, [
        statementBy(agents.mbox('cy@example.org')),
        statementBy(agents.sha1(sha1('mailto:cy@example.org'))),
      ]);
      expect(sameBatch.results[0].agents[0].personaId).to.equal(sameBatch.results[1].agents[0].personaId);
      expect(await count(COLLECTIONS.personas)).to.equal(3);
    });

    it('keeps mbox and sha1 apart when linking is turned off', async () => {
      const unlinked = createResolver({ store, options: { includeAuthority: false, linkMboxSha1sum: false } });
      const result = await unlinked.resolveStatements(organisation, [
        statementBy(agents.mbox('dee@example.org')),
        statementBy(agents.sha1(sha1('mailto:dee@example.org'))),
      ]);
      expect(result.results[0].agents[0].personaId).to.not.equal(result.results[1].agents[0].personaId);
    });

    it('keeps organisations apart: the same identifier is a different persona in another organisation', async () => {
      const other = new ObjectId();
      const a = await resolver.resolveStatements(organisation, [statementBy(agents.mbox('ann@example.org'))]);
      const b = await resolver.resolveStatements(other, [statementBy(agents.mbox('ann@example.org'))]);
      expect(b.counts.identifiersCreated).to.equal(1);
      expect(b.results[0].agents[0].personaId).to.not.equal(a.results[0].agents[0].personaId);
    });

    it('resolves authority only when configured', async () => {
      const statement = { ...statementBy(agents.mbox('ann@example.org')), authority: agents.account('http://lrs.example.org', 'client') };
      expect((await resolver.resolveStatements(organisation, [statement])).results[0].agents).to.have.length(1);
      const withAuthority = createResolver({ store, options: { includeAuthority: true, linkMboxSha1sum: true } });
      const roles = (await withAuthority.resolveStatements(organisation, [statement])).results[0].agents.map((agent) => agent.role);
      expect(roles).to.deep.equal(['actor', 'authority']);
    });

    it('repairs an identifier whose persona was never created (a crash between the two writes)', async () => {
      const orphanPersona = new ObjectId();
      await store.collection(COLLECTIONS.identifiers).insertOne({
        organisation,
        persona: orphanPersona,
        ifi: { key: 'openid', value: 'http://id.example.org/orphan' },
        canonicalKey: 'openid|http://id.example.org/orphan',
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      const result = await resolver.resolveStatements(organisation, [
        statementBy({ openid: 'http://id.example.org/orphan', name: 'Orphan' }),
      ]);
      expect(result.results[0].agents[0].personaId).to.equal(orphanPersona.toHexString());
      expect(result.counts).to.deep.include({ personasCreated: 1, identifiersCreated: 0 });
      expect(await store.collection(COLLECTIONS.personas).findOne({ _id: orphanPersona })).to.include({ name: 'Orphan' });
    });

    it('follows a tombstone to the persona it was merged into and moves the identifier there', async () => {
      const first = await resolver.resolveStatements(organisation, [statementBy(agents.mbox('src@example.org'))]);
      const source = new ObjectId(first.results[0].agents[0].personaId);
      const target = (
        await store
          .collection(COLLECTIONS.personas)
          .insertOne({ organisation, name: 'Target', createdAt: new Date(), updatedAt: new Date() })
      ).insertedId;
      await store.collection(COLLECTIONS.personas).updateOne({ _id: source }, { $set: { mergedInto: target } });
      const again = await resolver.resolveStatements(organisation, [statementBy(agents.mbox('src@example.org'))]);
      expect(again.results[0].agents[0].personaId).to.equal(target.toHexString());
      expect(await count(COLLECTIONS.identifiers, { persona: source })).to.equal(0);
      expect(again.counts.personasCreated).to.equal(0);
    });

    it('writes a batch without waiting for the disk each time, then flushes once before answering', async () => {
      const events: string[] = [];
      const recording = createResolver({
        store: recordingStore(store, events),
        options: { includeAuthority: false, linkMboxSha1sum: true },
      });
      const batch = [statementBy(agents.mbox('flush-a@example.org')), statementBy(agents.openid('http://id.example.org/flush-b'))];
      await recording.resolveStatements(organisation, batch);
      const writes = events.filter((event) => event.startsWith('bulkWrite'));
      expect(writes.length, events.join(' ')).to.be.at.least(3); // email claims, identifiers, personas
      expect(
        writes.every((event) => event.endsWith('deferFlush')),
        events.join(' '),
      ).to.equal(true);
      expect(events.filter((event) => event === 'flush')).to.have.length(1);
      expect(events.at(-1), 'the flush comes after the last write').to.equal('flush');
      events.length = 0;
      await recording.resolveStatements(organisation, batch);
      expect(
        events.filter((event) => event.startsWith('bulkWrite') || event === 'flush'),
        'known identifiers: nothing to write or flush',
      ).to.deep.equal([]);
    });

    it('makes a constant number of store round trips per batch, whatever the number of statements', async () => {
      const calls = { count: 0 };
      const counted = countingStore(store, calls);
      const counting = createResolver({ store: counted, options: { includeAuthority: false, linkMboxSha1sum: true } });
      const batchOf = (size: number, prefix: string) =>
        Array.from({ length: size }, (_, index) => statementBy(agents.mbox(`${prefix}${index}@example.org`)));
      await counting.resolveStatements(organisation, batchOf(10, 'small'));
      const small = calls.count;
      calls.count = 0;
      await counting.resolveStatements(organisation, batchOf(1000, 'large'));
      expect(calls.count).to.equal(small);
      expect(small).to.be.lessThan(12);
    });
  });
}

/** The paths a corpus reason names: `path: rule; path: rule (+n more)`. */
function reasonPaths(reason: string): string[] {
  return reason
    .replace(/ \(\+\d+ more\)$/, '')
    .split('; ')
    .map((part) => part.slice(0, part.indexOf(': ')));
}

/** Wraps a store so that every collection call is counted (a round trip in MongoDB terms). */
function countingStore(store: Store, calls: { count: number }): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'collection') return Reflect.get(target, property, receiver);
      return (name: string) =>
        new Proxy(target.collection(name), {
          get(collection: Collection, method, collectionReceiver) {
            const value = Reflect.get(collection, method, collectionReceiver);
            if (typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              calls.count += 1;
              return value.apply(collection, args);
            };
          },
        });
    },
  });
}

/** Wraps a store so that bulk writes (with their deferFlush option) and flushes are recorded in order. */
function recordingStore(store: Store, events: string[]): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'flush')
        return async () => {
          await target.flush();
          events.push('flush');
        };
      if (property !== 'collection') return Reflect.get(target, property, receiver);
      return (name: string) =>
        new Proxy(target.collection(name), {
          get(collection: Collection, method, collectionReceiver) {
            const value = Reflect.get(collection, method, collectionReceiver);
            if (method !== 'bulkWrite') return typeof value === 'function' ? value.bind(collection) : value;
            return async (operations: unknown, options: { deferFlush?: boolean } = {}) => {
              const result = await value.call(collection, operations, options);
              events.push(`bulkWrite:${name}${options.deferFlush ? ':deferFlush' : ''}`);
              return result;
            };
          },
        });
    },
  });
}
