// `persona migrate --from-learning-locker` on a store seeded with documents shaped exactly as Learning Locker
// writes them (compat spec 1): both account key orders, locked/lockedAt, personas without names, legacy extra fields.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { ensureUniqueAttributes } from '../../src/cli/migrate-attributes.ts';
import { migrateFromLearningLocker } from '../../src/cli/migrate-ll.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { canonicalIdentifierKey } from '../../src/domain/xapi/index.ts';
import { ensureIndexes } from '../../src/store/indexes.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

describe('persona migrate --from-learning-locker', () => {
  let temp: TempStore;
  const org = new ObjectId();
  const otherOrg = new ObjectId();
  const ann = new ObjectId();
  const nameless = new ObjectId();
  const foreignPersona = new ObjectId();
  const lockedAt = new Date(Date.now() - 60_000);
  const ids = {
    accountHN: new ObjectId(),
    accountNH: new ObjectId(),
    mbox: new ObjectId(),
    mboxUpper: new ObjectId(),
    locked: new ObjectId(),
    otherOrg: new ObjectId(),
    legacy: new ObjectId(),
  };
  const llIdentifiers = () => [
    {
      _id: ids.accountHN,
      organisation: org,
      persona: ann,
      locked: false,
      ifi: { key: 'account', value: { homePage: 'http://lms.example.org', name: 'u1' } },
    },
    {
      _id: ids.accountNH,
      organisation: org,
      persona: nameless,
      locked: false,
      ifi: { key: 'account', value: { name: 'u1', homePage: 'http://lms.example.org' } },
    },
    { _id: ids.mbox, organisation: org, persona: ann, ifi: { key: 'mbox', value: 'mailto:ann@example.org' } },
    { _id: ids.mboxUpper, organisation: org, persona: nameless, ifi: { key: 'mbox', value: 'mailto:ann@EXAMPLE.org' } },
    { _id: ids.locked, organisation: org, locked: true, lockedAt, ifi: { key: 'openid', value: 'http://id.example.org/x' } },
    {
      _id: ids.otherOrg,
      organisation: otherOrg,
      persona: foreignPersona,
      locked: false,
      ifi: { key: 'account', value: { name: 'u1', homePage: 'http://lms.example.org' } },
    },
    {
      _id: ids.legacy,
      organisation: org,
      persona: ann,
      ifi: { key: 'mbox_sha1sum', value: 'cc1e39b0'.padEnd(40, 'a') },
      createdAt: new Date('2017-01-01'),
      updatedAt: new Date('2017-01-02'),
    },
  ];

  beforeEach(async () => {
    temp = await openTempEmbeddedStore({ indexes: false });
    await temp.store.collection(COLLECTIONS.personas).insertMany([
      { _id: ann, organisation: org, name: 'Ann' },
      { _id: nameless, organisation: org, name: null },
    ]);
    await temp.store.collection(COLLECTIONS.identifiers).insertMany(llIdentifiers());
  });
  afterEach(async () => temp.close());

  it('adds canonical keys, reports collisions without deleting, and lets every index be built', async () => {
    const report = await migrateFromLearningLocker(temp.store, { canonicalKeyOf: (ifi) => canonicalIdentifierKey(ifi as never) });
    expect(report.identifiersScanned).to.equal(7);
    expect(report.lockedIdentifiers).to.equal(1);
    expect(report.collisions.map((c) => [c.keptId, c.duplicateIds]).sort()).to.deep.equal(
      [
        [ids.accountHN.toHexString(), [ids.accountNH.toHexString()]],
        [ids.mbox.toHexString(), [ids.mboxUpper.toHexString()]],
      ].sort(),
    );
    const identifiers = temp.store.collection(COLLECTIONS.identifiers);
    expect(await identifiers.countDocuments({})).to.equal(7);
    expect(await identifiers.countDocuments({ canonicalKey: { $exists: false } })).to.equal(0);
    // The other organisation's identical account is not a collision: keys are unique per organisation.
    const other = await identifiers.findOne({ _id: ids.otherOrg });
    const kept = await identifiers.findOne({ _id: ids.accountHN });
    expect(other?.canonicalKey).to.equal(kept?.canonicalKey);
    await ensureIndexes(temp.store);
  });

  it('leaves what Learning Locker reads exactly as it was (ifi order, persona, locked/lockedAt, null names)', async () => {
    await migrateFromLearningLocker(temp.store, { canonicalKeyOf: (ifi) => canonicalIdentifierKey(ifi as never) });
    const after = await temp.store.collection(COLLECTIONS.identifiers).find({}, { sort: { _id: 1 } });
    const before = llIdentifiers().sort((a, b) => a._id.toHexString().localeCompare(b._id.toHexString()));
    for (const [index, original] of before.entries()) {
      const migrated = after[index];
      expect(JSON.stringify(migrated.ifi)).to.equal(JSON.stringify(original.ifi));
      expect(String(migrated.persona)).to.equal(String(original.persona));
      expect(migrated.locked).to.equal(original.locked);
      expect(String(migrated.lockedAt)).to.equal(String(original.lockedAt));
      if (original.createdAt) expect(migrated.createdAt.toISOString()).to.equal(original.createdAt.toISOString());
      else expect(migrated.createdAt.getTime()).to.equal(original._id.getTimestamp().getTime());
    }
    const personas = await temp.store.collection(COLLECTIONS.personas).find({}, { sort: { _id: 1 } });
    expect(personas.find((p) => p._id.equals(nameless))?.name).to.equal(null);
    expect(personas.every((p) => p.createdAt instanceof Date)).to.equal(true);
  });

  it('is idempotent: a second run adds nothing and reports no new collisions', async () => {
    const canonicalKeyOf = (ifi: unknown) => canonicalIdentifierKey(ifi as never);
    await migrateFromLearningLocker(temp.store, { canonicalKeyOf });
    const second = await migrateFromLearningLocker(temp.store, { canonicalKeyOf });
    expect(second).to.include({ identifiersScanned: 0, canonicalKeysAdded: 0, personasTimestamped: 0, identifiersTimestamped: 0 });
    expect(second.collisions).to.deep.equal([]);
  });

  it('reports and removes the duplicate attributes an LL database holds (keeping the newest), then makes the index unique', async () => {
    const attributes = temp.store.collection(COLLECTIONS.attributes);
    // LL's own index on these keys, not unique: the unique one cannot be created beside it.
    await attributes.createIndex({ organisation: 1, personaId: 1, key: 1 });
    const older = {
      _id: new ObjectId(),
      organisation: org,
      personaId: ann,
      key: 'cohort',
      value: '2023',
      updatedAt: new Date('2024-01-01'),
    };
    const newest = {
      _id: new ObjectId(),
      organisation: org,
      personaId: ann,
      key: 'cohort',
      value: '2024',
      updatedAt: new Date('2024-06-01'),
    };
    const oldest = {
      _id: new ObjectId(),
      organisation: org,
      personaId: ann,
      key: 'cohort',
      value: '2022',
      createdAt: new Date('2020-01-01'),
    };
    const otherKey = { _id: new ObjectId(), organisation: org, personaId: ann, key: 'team', value: 'a' };
    const otherPersona = { _id: new ObjectId(), organisation: org, personaId: nameless, key: 'cohort', value: '2023' };
    const otherOrganisation = { _id: new ObjectId(), organisation: otherOrg, personaId: ann, key: 'cohort', value: '2023' };
    await attributes.insertMany([older, newest, oldest, otherKey, otherPersona, otherOrganisation]);

    const report = await ensureUniqueAttributes(temp.store, { batchSize: 2 });
    expect(report.wasRebuilt).to.equal(true);
    expect(report.duplicates).to.have.length(1);
    expect(report.duplicates[0]).to.include({
      organisation: org.toHexString(),
      personaId: ann.toHexString(),
      key: 'cohort',
      keptId: newest._id.toHexString(),
    });
    expect(report.duplicates[0].removedIds.sort()).to.deep.equal([older._id.toHexString(), oldest._id.toHexString()].sort());
    expect((await attributes.find({}, { sort: { _id: 1 } })).map((doc) => doc._id.toHexString()).sort()).to.deep.equal(
      [newest, otherKey, otherPersona, otherOrganisation].map((doc) => doc._id.toHexString()).sort(),
    );
    const index = (await attributes.listIndexes()).find((entry) => entry.name === 'organisation_1_personaId_1_key_1');
    expect(index?.unique).to.equal(true);
    expect(
      (await attributes.insertOne({ organisation: org, personaId: ann, key: 'team', value: 'b' }).catch((error) => error)).code,
    ).to.equal(11000);
    // Then (with canonical keys added) every index of the service builds, and a second run scans nothing.
    await migrateFromLearningLocker(temp.store, { canonicalKeyOf: (ifi) => canonicalIdentifierKey(ifi as never) });
    await ensureIndexes(temp.store);
    expect(await ensureUniqueAttributes(temp.store)).to.deep.equal({ wasRebuilt: false, duplicates: [] });
  });
});
