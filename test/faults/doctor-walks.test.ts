// How `persona doctor`'s identity checks read a large store: duplicate attributes are found by walking the
// (organisation, personaId, key) order one group at a time (with --repair, each group's copies are removed while the
// walk goes on, never after holding every attribute), and duplicate identifiers by walking the canonical-key index
// order (adjacent copies), not by keeping every key. The store is watched through a proxy of its collections.
import { ObjectId } from 'bson';
import { expect } from 'chai';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { checkIdentity } from '../../src/features/doctor/identity-checks.ts';
import type { Collection, Store } from '../../src/store/port.ts';
import { openid, seedIdentifier, seedPersona } from '../identity/support/seed.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

type Event = { kind: 'iterate'; collection: string; sort: unknown } | { kind: 'yield' | 'delete'; collection: string };

/** The store, with every iterate (its sort, each document yielded) and deleteMany recorded in order. */
function watched(store: Store, events: Event[]): Store {
  const wrap = (collection: Collection): Collection =>
    new Proxy(collection, {
      get(target, property) {
        if (property === 'iterate') {
          return (filter: unknown, options: { sort?: unknown } = {}) => {
            events.push({ kind: 'iterate', collection: target.name, sort: options.sort });
            const documents = target.iterate(filter as never, options as never);
            return (async function* () {
              for await (const document of documents) {
                events.push({ kind: 'yield', collection: target.name });
                yield document;
              }
            })();
          };
        }
        if (property === 'deleteMany') {
          return (...args: Parameters<Collection['deleteMany']>) => {
            events.push({ kind: 'delete', collection: target.name });
            return target.deleteMany(...args);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(store, {
    get(target, property) {
      if (property === 'collection') return (name: string) => wrap(target.collection(name));
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('persona doctor: identity checks walk one group at a time', () => {
  const organisation = new ObjectId();
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempEmbeddedStore({ indexes: false });
  });
  afterEach(async () => {
    await temp.close();
  });

  it('repairs each duplicated attribute key while walking the key order, keeping the newest', async () => {
    const attributes = temp.store.collection(COLLECTIONS.attributes);
    const personas = [new ObjectId(), new ObjectId(), new ObjectId()];
    for (const personaId of personas) {
      await attributes.insertOne({ organisation, personaId, key: 'team', value: 'old', updatedAt: new Date(1000) });
      await attributes.insertOne({ organisation, personaId, key: 'team', value: 'new', updatedAt: new Date(2000) });
      await attributes.insertOne({ organisation, personaId, key: 'level', value: 1, updatedAt: new Date(1000) });
    }
    const events: Event[] = [];
    const problems = await checkIdentity(watched(temp.store, events), { repair: true });

    expect(problems.filter((problem) => problem.code === 'attribute.duplicate_key')).to.have.length(3);
    const walk = events.filter((event) => event.collection === COLLECTIONS.attributes);
    expect(walk[0]).to.deep.equal({ kind: 'iterate', collection: COLLECTIONS.attributes, sort: { organisation: 1, personaId: 1, key: 1 } });
    const deletes = walk.flatMap((event, position) => (event.kind === 'delete' ? [position] : []));
    const lastYield = walk.map((event) => event.kind).lastIndexOf('yield');
    expect(deletes).to.have.length(3);
    expect(deletes[0], 'the first group is repaired before the walk has read every attribute').to.be.lessThan(lastYield);
    for (const personaId of personas) {
      expect((await attributes.find({ organisation, personaId }, { sort: { key: 1 } })).map((attribute) => attribute.value)).to.deep.equal([
        1,
        'new',
      ]);
    }
  });

  it('finds duplicate identifiers by walking the canonical-key order, reporting each copy against the first', async () => {
    const persona = await seedPersona(temp.store, organisation);
    const first = await seedIdentifier(temp.store, organisation, persona, openid('http://id.example.org/twice'));
    const copy = await seedIdentifier(temp.store, organisation, persona, openid('http://id.example.org/twice'));
    await seedIdentifier(temp.store, organisation, persona, openid('http://id.example.org/once'));
    const events: Event[] = [];
    const problems = await checkIdentity(watched(temp.store, events), { repair: false });

    const duplicates = problems.filter((problem) => problem.code === 'identifier.duplicate');
    expect(duplicates.map((problem) => problem.id)).to.deep.equal([copy.toHexString()]);
    expect(duplicates[0].message).to.include(first.toHexString());
    const walks = events.filter((event) => event.kind === 'iterate' && event.collection === COLLECTIONS.identifiers);
    expect(walks.map((event) => (event as { sort: unknown }).sort)).to.deep.include({ organisation: 1, canonicalKey: 1 });
  });
});
