// The store reads behind GET /v1/personas/{id} and /v1/personas/by-identifier (issue 14: the hot path of the read
// API). The persona and the tombstones merged into it come in one query, so the name history (which sums the
// tombstones' names) needs no lookup of its own: five reads for a persona (persona, identifiers, attributes, links,
// names), six by identifier (the identifier first). The answers themselves are checked by personas.test.ts and
// persona-names.test.ts; here a merged persona's answer still carries the source's names and identifiers.
import { expect } from 'chai';
import type { Collection, Document, Store } from '../../src/store/port.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { startTestApi, type TestApi } from './http-support.ts';

const READS = new Set(['find', 'findOne', 'countDocuments', 'aggregate', 'iterate']);
const PERSONA_DATA = new Set<string>([COLLECTIONS.personas, COLLECTIONS.identifiers, COLLECTIONS.attributes, COLLECTIONS.links, COLLECTIONS.names]);

/** Records every read call on the persona data collections (the store still answers each one). */
function countReads(store: Store, reads: string[]): Store {
  const counted = <T extends Document>(name: string, inner: Collection<T>): Collection<T> => new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !READS.has(String(property)) || !PERSONA_DATA.has(name)) return value;
      return (...args: unknown[]) => { reads.push(`${name}.${String(property)}`); return value.apply(target, args); };
    },
  });
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'collection') return <T extends Document>(name: string) => counted(name, target.collection<T>(name));
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('HTTP: store reads of a persona read', () => {
  const reads: string[] = [];
  let api: TestApi;
  let target: string;
  before(async () => {
    api = await startTestApi({}, { wrapStore: (store) => countReads(store, reads) });
    const create = async (mbox: string, name: string) => {
      const answer = await api.request('POST', '/v1/personas', { body: { name, identifiers: [{ key: 'mbox', value: mbox }] } });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      return answer.body.id as string;
    };
    target = await create('mailto:target@example.org', 'Target Name');
    const source = await create('mailto:source@example.org', 'Source Name');
    const merge = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    expect(merge.status, JSON.stringify(merge.body)).to.equal(201);
  });
  after(async () => { await api.close(); });

  async function readsOf(path: string) {
    reads.length = 0;
    const answer = await api.request('GET', path);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return { body: answer.body, reads: [...reads] };
  }

  it('GET /v1/personas/{id} reads the persona with its tombstones in one query: five reads, the merged names included', async () => {
    const { body, reads: made } = await readsOf(`/v1/personas/${target}`);
    expect(made.filter((read) => read.startsWith(`${COLLECTIONS.personas}.`)), made.join(', ')).to.have.length(1);
    expect(made, made.join(', ')).to.have.length(5);
    expect(body.names.map((entry: { name: string }) => entry.name)).to.have.members(['Target Name', 'Source Name']);
    expect(body.identifiers.map((identifier: { ifi: { value: string } }) => identifier.ifi.value)).to.have.members(['mailto:target@example.org', 'mailto:source@example.org']);
  });

  it('GET /v1/personas/by-identifier of a moved identifier answers the same persona in six reads', async () => {
    const byId = await readsOf(`/v1/personas/${target}`);
    const { body, reads: made } = await readsOf(`/v1/personas/by-identifier?mbox=${encodeURIComponent('mailto:source@example.org')}`);
    expect(made, made.join(', ')).to.have.length(6);
    expect(body).to.deep.equal(byId.body);
  });
});
