// Identifiers longer than LMDB's key limit (kilobytes of openid, account name or address) resolve like short ones:
// created once, found again by the next batch, never duplicated.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createResolver } from '../../src/features/resolver/resolver.service.ts';
import { statementBy, type AgentLike } from '../support/statements.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

const filler = (letter: string, length: number): string => letter.repeat(length);

// Two agents per kind that share a prefix far longer than the indexed prefix of a key.
const longAgents: Record<string, (suffix: string) => AgentLike> = {
  openid: (suffix) => ({ openid: `https://id.example.org/${filler('p', 4000)}/${suffix}` }),
  account: (suffix) => ({ account: { homePage: 'https://lms.example.org', name: `${filler('n', 70_000)}${suffix}` } }),
  mbox: (suffix) => ({ mbox: `mailto:${filler('m', 1000)}${suffix}@example.org` }),
};

describe('resolver: identifiers over the index key limit', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
  });
  afterEach(async () => temp.close());

  for (const [kind, agent] of Object.entries(longAgents)) {
    it(`resolves long ${kind} identifiers again to the same personas`, async () => {
      const resolver = createResolver({ store: temp.store, options: { includeAuthority: false, linkMboxSha1sum: true } });
      const organisation = new ObjectId();
      const first = await resolver.resolveStatements(organisation, [statementBy(agent('a')), statementBy(agent('b'))]);
      expect(first.counts).to.deep.include({ resolved: 2, identifiersCreated: 2, personasCreated: 2 });
      const again = await resolver.resolveStatements(organisation, [statementBy(agent('b')), statementBy(agent('a'))]);
      expect(again.counts).to.deep.include({ resolved: 2, identifiersCreated: 0, personasCreated: 0 });
      expect(again.results.map((result) => result.agents[0].personaId)).to.deep.equal([
        first.results[1].agents[0].personaId,
        first.results[0].agents[0].personaId,
      ]);
      expect(await temp.store.collection(COLLECTIONS.identifiers).countDocuments({ organisation })).to.equal(2);
    });
  }
});
