// Race-freedom, proven by running resolvers really concurrently on overlapping identifiers — several resolvers in
// one process, and several processes sharing one embedded data directory — then counting what was stored.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createResolver } from '../../src/features/resolver/resolver.service.ts';
import type { Store } from '../../src/store/port.ts';
import { agents, statementBy, type AgentLike } from '../support/statements.ts';
import { availableStoreFactories, makeTempDir, openTempEmbeddedStore } from '../support/temp-store.ts';

const run = promisify(execFile);
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** `people` learners, each a list of agents that name them (mbox people also appear by their SHA-1). */
function population(people: number): AgentLike[][] {
  return Array.from({ length: people }, (_, index) => {
    switch (index % 4) {
      case 0:
        return [agents.mbox(`p${index}@example.org`), agents.sha1(sha1(`mailto:p${index}@example.org`))];
      case 1:
        return [
          agents.account('http://lms.example.org', `u${index}`),
          { account: { name: `u${index}`, homePage: 'http://lms.example.org' } },
        ];
      case 2:
        return [agents.openid(`http://id.example.org/${index}`)];
      default:
        return [agents.mbox(`P${index}@Example.ORG`), agents.mbox(`P${index}@example.org`)];
    }
  });
}

/** Every agent of every person, in an order that differs per seed, as statements. */
function shuffledStatements(people: AgentLike[][], seed: number): Record<string, unknown>[] {
  const all = people.flatMap((personAgents) => personAgents);
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let index = all.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [all[index], all[other]] = [all[other], all[index]];
  }
  return all.map((agent) => statementBy(agent));
}

/** Distinct identifiers: mbox and its sha1 are two, account key orders and mbox domain case are one. */
function expectedIdentifiers(people: number): number {
  return Array.from({ length: people }, (_, index) => (index % 4 === 0 ? 2 : 1)).reduce((a, b) => a + b, 0);
}

async function expectOnePersonaPerPerson(store: Store, organisation: ObjectId, people: number): Promise<void> {
  const identifiers = await store.collection(COLLECTIONS.identifiers).find({ organisation });
  expect(identifiers).to.have.length(expectedIdentifiers(people));
  const personas = await store.collection(COLLECTIONS.personas).find({ organisation });
  expect(personas, 'one persona per person, no orphans').to.have.length(people);
  const personaIds = new Set(personas.map((persona) => persona._id.toHexString()));
  for (const identifier of identifiers) expect(personaIds.has(identifier.persona.toHexString())).to.equal(true);
  const mboxPairs = identifiers.filter((identifier) => identifier.ifi.key === 'mbox_sha1sum');
  for (const sha1Identifier of mboxPairs) {
    const partner = identifiers.find(
      (identifier) => identifier.ifi.key === 'mbox' && sha1(identifier.ifi.value) === sha1Identifier.ifi.value,
    );
    expect(partner?.persona.toHexString(), 'an address and its SHA-1 share a persona').to.equal(sha1Identifier.persona.toHexString());
  }
}

for (const factory of availableStoreFactories()) {
  describe(`resolver races (${factory.name} store)`, () => {
    it('eight resolvers in one process on overlapping identifiers create each identifier and persona exactly once', async () => {
      const temp = await factory.open();
      try {
        const organisation = new ObjectId();
        const people = population(400);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, seed) => {
            const resolver = createResolver({
              store: temp.store,
              options: { includeAuthority: false, linkMboxSha1sum: true, batchSize: 64 },
            });
            return resolver.resolveStatements(organisation, shuffledStatements(people, seed + 1));
          }),
        );
        await expectOnePersonaPerPerson(temp.store, organisation, people.length);
        const created = results.reduce((sum, result) => sum + result.counts.identifiersCreated, 0);
        expect(created, 'identifiers created are counted once in total').to.equal(expectedIdentifiers(people.length));
        expect(results.reduce((sum, result) => sum + result.counts.personasCreated, 0)).to.equal(people.length);
        // Each persona is reported as created by exactly the one resolver whose upsert inserted it.
        for (const result of results) expect(result.createdPersonaIds).to.have.length(result.counts.personasCreated);
        const reported = results.flatMap((result) => result.createdPersonaIds).sort();
        const stored = await temp.store.collection(COLLECTIONS.personas).find({ organisation }, { projection: { _id: 1 } });
        expect(reported).to.deep.equal(stored.map((persona) => persona._id.toHexString()).sort());
        // Every resolver agrees on the persona of every identifier.
        const personaOf = new Map<string, string>();
        for (const result of results) {
          for (const agent of result.results.flatMap((entry) => entry.agents)) {
            const key = agent.identifierId;
            expect(personaOf.get(key) ?? agent.personaId).to.equal(agent.personaId);
            personaOf.set(key, agent.personaId);
          }
        }
      } finally {
        await temp.close();
      }
    });
  });
}

describe('resolver races across processes (embedded store)', () => {
  it('three processes sharing one data directory create each identifier and persona exactly once', async function () {
    this.timeout(120_000);
    const dataDir = makeTempDir();
    try {
      const organisation = new ObjectId();
      const people = population(600);
      const files = [1, 2, 3].map((seed) => {
        const file = join(dataDir, `statements-${seed}.json`);
        writeFileSync(file, JSON.stringify(shuffledStatements(people, seed)));
        return file;
      });
      const child = join(import.meta.dirname, 'fixtures', 'resolve-child.ts');
      const outputs = await Promise.all(
        files.map((file) =>
          run(process.execPath, ['--import', 'tsx', child, join(dataDir, 'store'), organisation.toHexString(), file, '50']),
        ),
      );
      const counts = outputs.map((output) => JSON.parse(output.stdout.trim().split('\n').pop()!));
      const temp = await openTempEmbeddedStore({ dataDir: join(dataDir, 'store') });
      try {
        await expectOnePersonaPerPerson(temp.store, organisation, people.length);
      } finally {
        await temp.close();
      }
      expect(counts.reduce((sum, entry) => sum + entry.identifiersCreated, 0)).to.equal(expectedIdentifiers(people.length));
      expect(counts.reduce((sum, entry) => sum + entry.personasCreated, 0)).to.equal(people.length);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
