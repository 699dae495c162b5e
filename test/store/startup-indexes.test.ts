// Start-up checks indexes instead of building them on collections that hold data (review finding 12: a build on a
// large Learning Locker collection blocked start-up for hours); a new, empty store still gets every index, so
// `npm start` on a fresh machine needs no migrate. `persona migrate` is where builds happen (test/cli/migrate-write-back).
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { ensureAllIndexes } from '../../src/wiring/all-indexes.ts';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { makeTempDir } from '../support/temp-store.ts';

const nameOf = (keys: Record<string, number>) =>
  Object.entries(keys)
    .map(([key, direction]) => `${key}_${direction}`)
    .join('_');

async function indexNames(dataDir: string, collection: string): Promise<string[]> {
  const store = await openEmbeddedStore({ dataDir });
  try {
    return (await store.collection(collection).listIndexes()).map((index) => index.name);
  } finally {
    await store.close();
  }
}

async function startOn(dataDir: string) {
  const warnings: Array<{ details: any; message: string }> = [];
  const logger = pino(
    { level: 'warn' },
    {
      write: (line: string) => {
        const { msg, ...details } = JSON.parse(line);
        warnings.push({ details, message: msg });
      },
    },
  );
  const store = await openEmbeddedStore({ dataDir });
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, QUEUE: 'inline', LOG_LEVEL: 'silent' }), {
    store,
    logger,
    defaultMetrics: false,
  });
  return { app, warnings };
}

describe('indexes at start-up', () => {
  it('a new, empty store gets every index the service needs when it starts', async () => {
    const dataDir = makeTempDir();
    const { app, warnings } = await startOn(dataDir);
    await app.close();
    expect(warnings).to.deep.equal([]);
    expect(await indexNames(dataDir, COLLECTIONS.identifiers)).to.include('organisation_1_canonicalKey_1');
    expect(await indexNames(dataDir, COLLECTIONS.personas)).to.include('organisation_1_name_1__id_1');
  });

  it('on a collection that holds data, a missing index is reported, not built, and the service starts', async () => {
    const dataDir = makeTempDir();
    const seeded = await openEmbeddedStore({ dataDir });
    await ensureAllIndexes(seeded);
    const keys = { organisation: 1, name: 1, _id: 1 };
    await seeded.collection(COLLECTIONS.personas).dropIndex(nameOf(keys));
    await seeded
      .collection(COLLECTIONS.personas)
      .insertOne({ organisation: new ObjectId(), name: 'Ann', createdAt: new Date(), updatedAt: new Date() });
    await seeded.close();

    const { app, warnings } = await startOn(dataDir);
    await app.close();
    expect(await indexNames(dataDir, COLLECTIONS.personas)).to.not.include(nameOf(keys));
    expect(warnings).to.have.length(1);
    expect(warnings[0].message).to.match(/persona migrate/);
    expect(warnings[0].details.missingIndexes).to.deep.equal([`${COLLECTIONS.personas} ${JSON.stringify(keys)}: missing`]);
  });

  it('refuses to start without a unique index on a collection that holds data (resolution would create duplicates), naming the fix', async () => {
    const dataDir = makeTempDir();
    const seeded = await openEmbeddedStore({ dataDir });
    await ensureAllIndexes(seeded);
    await seeded.collection(COLLECTIONS.attributes).dropIndex('organisation_1_personaId_1_key_1');
    await seeded.collection(COLLECTIONS.attributes).createIndex({ organisation: 1, personaId: 1, key: 1 });
    await seeded
      .collection(COLLECTIONS.attributes)
      .insertOne({ organisation: new ObjectId(), personaId: new ObjectId(), key: 'k', value: 1 });
    await seeded.close();

    const error = await startOn(dataDir).then(
      ({ app }) => app.close(),
      (caught: Error) => caught,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(
      /unique indexes missing[\s\S]*persona migrate[\s\S]*personaAttributes \{"organisation":1,"personaId":1,"key":1\} unique: options differ/,
    );
  });
});
