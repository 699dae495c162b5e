// The embedded store's change log (src/store/embedded/change-log.ts) beyond the contract: it commits and rolls back
// with the writes it records, and it stays bounded (by count, or by age), telling a reader it trimmed past that its
// history is lost instead of silently skipping changes.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { ChangeLogLimits } from '../../src/store/embedded/change-log.ts';
import type { Store } from '../../src/store/port.ts';
import { freshDataDir } from './temp-dir.ts';

const TOKEN_PREFIX = 'embedded-changes:';
const sequenceOf = (token: string) => Number(token.slice(TOKEN_PREFIX.length));
const tokenAt = (sequence: number) => `${TOKEN_PREFIX}${sequence}`;

describe('embedded change log', function () {
  let store: Store;
  const organisation = new ObjectId();
  const open = async (changeLog?: ChangeLogLimits) => {
    store = await openEmbeddedStore({ dataDir: freshDataDir(), mapSizeGb: 1, changeLog });
  };
  afterEach(async function () {
    await store.close();
  });

  it('records nothing for a transaction that rolled back', async function () {
    await open();
    const people = store.collection('people');
    await people.createIndex({ organisation: 1, key: 1 }, { unique: true });
    await people.insertOne({ organisation, key: 'taken' });
    const token = await store.changeToken();
    const failed = await store.applyAtomically!([
      { collection: 'people', insertOne: { document: { _id: 'rolled-back', organisation, key: 'new' } } },
      { collection: 'people', insertOne: { document: { organisation, key: 'taken' } } },
    ]).then(
      () => null,
      (caught) => caught,
    );
    expect(failed).to.include({ code: 11000 });
    expect(await store.changeToken()).to.equal(token);
    await people.insertOne({ _id: 'kept', organisation, key: 'other' });
    const answer = await store.changesSince(['people'], organisation, token);
    expect(answer).to.deep.include({ changes: [{ collection: 'people', id: 'kept' }], hasMore: false });
  });

  it('keeps at most about maxEntries entries; a reader trimmed past is told, one within the bound reads on', async function () {
    const maxEntries = 100;
    await open({ maxEntries });
    const start = await store.changeToken();
    await store.collection('people').insertMany(Array.from({ length: 1000 }, (_, n) => ({ _id: n, organisation })));
    const newest = sequenceOf(await store.changeToken());
    expect(newest).to.equal(sequenceOf(start) + 1000);
    expect(await store.changesSince(['people'], organisation, start)).to.deep.equal({ historyLost: true });
    // Trimming runs every 64th entry: between two runs the log may hold up to 63 entries beyond the bound.
    expect(await store.changesSince(['people'], organisation, tokenAt(newest - maxEntries - 64))).to.deep.equal({ historyLost: true });
    const within = await store.changesSince(['people'], organisation, tokenAt(newest - maxEntries));
    expect('historyLost' in within ? null : within.changes.map((change) => change.id)).to.deep.equal(
      Array.from({ length: maxEntries }, (_, n) => 900 + n),
    );
  });

  it('trims by age too, and the position after a trim of every entry still resumes', async function () {
    // A negative age makes every entry count as expired when the trim runs.
    await open({ maxAgeMs: -1 });
    const people = store.collection('people');
    const start = await store.changeToken();
    await people.insertMany(Array.from({ length: 64 }, (_, n) => ({ _id: n, organisation })));
    expect(await store.changesSince(['people'], organisation, start)).to.deep.equal({ historyLost: true });
    const afterTrim = await store.changeToken();
    expect(sequenceOf(afterTrim)).to.equal(sequenceOf(start) + 64);
    await people.insertOne({ _id: 'next', organisation });
    expect(await store.changesSince(['people'], organisation, afterTrim)).to.deep.include({
      changes: [{ collection: 'people', id: 'next' }],
    });
  });

  it('a position ahead of the log (another store\'s token, a restored backup) is history lost, not "nothing new"', async function () {
    await open();
    await store.collection('people').insertOne({ organisation });
    const ahead = tokenAt(sequenceOf(await store.changeToken()) + 5);
    expect(await store.changesSince(['people'], organisation, ahead)).to.deep.equal({ historyLost: true });
  });
});
