// `persona migrate` builds the people search's token index for data that is already there (an upgraded store or a
// Learning Locker database), so no search request has to; organisations are indexed apart.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ObjectId } from 'bson';
import { expect } from 'chai';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { canonicalIdentifierKey } from '../../src/domain/xapi/index.ts';
import { SEARCH_TOKENS_COLLECTION } from '../../src/features/search/search-index.ts';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { makeTempDir } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

describe('persona migrate: the search index', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('persona-migrate-search-');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('indexes the names and identifiers already stored, per organisation, and a second run changes nothing', async () => {
    const dataDir = join(dir, 'data');
    const ours = new ObjectId();
    const theirs = new ObjectId();
    const ada = new ObjectId();
    const store = await openEmbeddedStore({ dataDir });
    const now = new Date();
    await store.collection(COLLECTIONS.organisations).insertMany([
      { _id: ours, name: 'ours', createdAt: now },
      { _id: theirs, name: 'theirs', createdAt: now },
    ]);
    await store.collection(COLLECTIONS.personas).insertMany([
      { _id: ada, organisation: ours, name: 'Ada Lovelace', active: true, createdAt: now, updatedAt: now },
      { organisation: theirs, name: 'Grace Hopper', active: true, createdAt: now, updatedAt: now },
    ]);
    const ifi = { key: 'mbox', value: 'mailto:ada@example.org' } as const;
    await store.collection(COLLECTIONS.identifiers).insertOne({
      organisation: ours,
      persona: ada,
      ifi,
      canonicalKey: canonicalIdentifierKey(ifi),
      locked: false,
      createdAt: now,
      updatedAt: now,
    });
    await store.close();

    const first = await run(process.execPath, [cli, 'migrate', '--json'], { env: { ...process.env, DATA_DIR: dataDir } });
    expect(first.stderr).to.match(new RegExp(`search index of organisation ${ours.toHexString()}: 1 personas indexed`));
    await run(process.execPath, [cli, 'migrate', '--json'], { env: { ...process.env, DATA_DIR: dataDir } });

    const reopened = await openEmbeddedStore({ dataDir });
    try {
      const tokens = await reopened
        .collection(SEARCH_TOKENS_COLLECTION)
        .find({ organisation: ours }, { projection: { token: 1, persona: 1 } });
      expect(tokens.map((doc) => doc.token).sort()).to.deep.equal([
        'ada',
        'ada@example.org',
        'example',
        'lovelace',
        'mailto:ada@example.org',
        'org',
      ]);
      expect(tokens.every((doc) => ada.equals(doc.persona))).to.equal(true);
      const other = await reopened.collection(SEARCH_TOKENS_COLLECTION).find({ organisation: theirs }, { projection: { token: 1 } });
      expect(other.map((doc) => doc.token).sort()).to.deep.equal(['grace', 'hopper']);
    } finally {
      await reopened.close();
    }
  });
});
