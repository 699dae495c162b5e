// Merges under concurrent ingestion: resolvers (in this process, and in other processes sharing the data directory)
// resolve statements naming the very identifiers being merged, while merges run. Afterwards no source persona was
// recreated, no identifier or email claim is left on a tombstone, and each person's identifiers are on one persona.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createMergeService } from '../../src/features/merges/merge.service.ts';
import { createResolver } from '../../src/features/resolver/resolver.service.ts';
import type { Store } from '../../src/store/port.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir, openTempEmbeddedStore } from '../support/temp-store.ts';
import { sha1 } from './support/seed.ts';

const resolveChild = join(import.meta.dirname, 'fixtures', 'resolve-child.ts');

/** Starts a resolver process; `ready` resolves once it is about to resolve, `done` when it exited cleanly. */
function startResolver(args: string[]): { ready: Promise<void>; done: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', resolveChild, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.startsWith('ready\n')) markReady();
  });
  const done = new Promise<void>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`resolver exited with ${code}: ${output}`)))),
  );
  return { ready: Promise.race([ready, done]), done };
}
const resolverOptions = { includeAuthority: false, linkMboxSha1sum: true, batchSize: 16 };

/** Person i is known by an account (persona P) and, separately, by an address (persona Q), and later by its SHA-1. */
const person = (index: number) => ({
  account: agents.account('http://lms.example.org', `u${index}`),
  mbox: agents.mbox(`p${index}@example.org`),
  sha1: agents.sha1(sha1(`mailto:p${index}@example.org`)),
});

async function createSplitPersonas(store: Store, organisation: ObjectId, people: number) {
  const resolver = createResolver({ store, options: resolverOptions });
  const pairs: Array<{ target: ObjectId; source: ObjectId }> = [];
  for (let index = 0; index < people; index += 1) {
    const result = await resolver.resolveStatements(organisation, [statementBy(person(index).account), statementBy(person(index).mbox)]);
    const [target, source] = result.results.map((entry) => new ObjectId(entry.agents[0].personaId));
    expect(target.equals(source)).to.equal(false);
    pairs.push({ target, source });
  }
  return pairs;
}

/** Statements naming every identifier of every person (old and new ones), in a seeded shuffled order. */
function ingestion(people: number, seed: number): Record<string, unknown>[] {
  const statements = Array.from({ length: people }, (_, index) => person(index)).flatMap((p) =>
    [p.account, p.mbox, p.sha1].map((agent) => statementBy(agent)),
  );
  let state = seed;
  for (let index = statements.length - 1; index > 0; index -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const other = state % (index + 1);
    [statements[index], statements[other]] = [statements[other], statements[index]];
  }
  return statements;
}

async function expectConsistent(store: Store, organisation: ObjectId, pairs: Array<{ target: ObjectId; source: ObjectId }>): Promise<void> {
  const personas = await store.collection(COLLECTIONS.personas).find({ organisation });
  expect(personas, 'no persona created or recreated').to.have.length(pairs.length * 2);
  const tombstones = new Map(
    personas.filter((persona) => persona.mergedInto).map((persona) => [persona._id.toHexString(), persona.mergedInto.toHexString()]),
  );
  for (const { target, source } of pairs) expect(tombstones.get(source.toHexString())).to.equal(target.toHexString());
  expect(tombstones.size).to.equal(pairs.length);
  const identifiers = await store.collection(COLLECTIONS.identifiers).find({ organisation });
  expect(identifiers).to.have.length(pairs.length * 3);
  for (const identifier of identifiers)
    expect(tombstones.has(identifier.persona.toHexString()), `identifier ${identifier.canonicalKey} on a tombstone`).to.equal(false);
  for (const claim of await store.collection(COLLECTIONS.emailClaims).find({ organisation })) {
    expect(tombstones.has(claim.persona.toHexString()), 'email claim on a tombstone').to.equal(false);
  }
  // Each person's three identifiers are on that person's target persona.
  const byPersona = new Map<string, number>();
  for (const identifier of identifiers)
    byPersona.set(identifier.persona.toHexString(), (byPersona.get(identifier.persona.toHexString()) ?? 0) + 1);
  for (const { target } of pairs) expect(byPersona.get(target.toHexString())).to.equal(3);
  const states = (await store.collection(COLLECTIONS.merges).find({ organisation })).map((merge) => merge.state);
  expect(new Set(states)).to.deep.equal(new Set(['applied']));
}

describe('merges under concurrent ingestion', function () {
  this.timeout(180_000);

  it('resolvers in the same process never recreate a source nor leave an identifier on a tombstone', async () => {
    const temp = await openTempEmbeddedStore();
    try {
      const organisation = new ObjectId();
      const people = 120;
      const pairs = await createSplitPersonas(temp.store, organisation, people);
      const merges = createMergeService({ store: temp.store });
      const merging = (async () => {
        for (const { target, source } of pairs)
          await merges.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'test' });
      })();
      const resolving = Array.from({ length: 4 }, (_, lane) =>
        createResolver({ store: temp.store, options: resolverOptions }).resolveStatements(organisation, ingestion(people, lane + 1)),
      );
      await Promise.all([merging, ...resolving]);
      await expectConsistent(temp.store, organisation, pairs);
    } finally {
      await temp.close();
    }
  });

  it('a resolver run between any two steps of a merge never leaves a new identifier on the tombstone', async () => {
    const temp = await openTempEmbeddedStore();
    try {
      const organisation = new ObjectId();
      const people = 24;
      const pairs = await createSplitPersonas(temp.store, organisation, people);
      const resolver = createResolver({ store: temp.store, options: resolverOptions });
      const stepsSeen = new Set<string>();
      for (const [index, { target, source }] of pairs.entries()) {
        let step = 0;
        // Each merge lets a resolver in at a different step: person i's SHA-1 (new, claimed by the source) arrives then.
        const merges = createMergeService({
          store: temp.store,
          async onStep(name) {
            if (step++ !== index % 10) return;
            stepsSeen.add(name.split(':')[0]);
            await resolver.resolveStatements(
              organisation,
              [person(index).sha1, person(index).mbox, person(index).account].map((agent) => statementBy(agent)),
            );
          },
        });
        await merges.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'test' });
      }
      expect(stepsSeen.size, `steps interleaved: ${[...stepsSeen].join(', ')}`).to.equal(10);
      await expectConsistent(temp.store, organisation, pairs);
    } finally {
      await temp.close();
    }
  });

  it('resolver processes sharing the data directory never recreate a source nor leave an identifier on a tombstone', async () => {
    const dataDir = makeTempDir('merge-race-');
    const temp = await openTempEmbeddedStore({ dataDir });
    try {
      const organisation = new ObjectId();
      const people = 150;
      const pairs = await createSplitPersonas(temp.store, organisation, people);
      const files = [1, 2, 3].map((seed) => {
        const file = join(dataDir, `statements-${seed}.json`);
        writeFileSync(file, JSON.stringify(ingestion(people, seed)));
        return file;
      });
      const merges = createMergeService({ store: temp.store });
      const children = files.map((file) => startResolver([dataDir, organisation.toHexString(), file, '8']));
      // Merging starts once every resolver process is resolving, so both really run at the same time.
      await Promise.all(children.map((child) => child.ready));
      for (const { target, source } of pairs)
        await merges.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'test' });
      await Promise.all(children.map((child) => child.done));
      await expectConsistent(temp.store, organisation, pairs);
    } finally {
      await temp.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
