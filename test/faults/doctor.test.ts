// `persona doctor`: each kind of damage is made by direct writes to a store (below the services, as a crash or a bug
// would leave it), then the doctor must find it, repair it when that is safe, and report a clean store afterwards.
// The command itself runs as a child process for the exit codes and the JSON report.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ObjectId } from 'bson';
import { expect } from 'chai';
import { open } from 'lmdb';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { runDoctor } from '../../src/features/doctor/store-doctor.ts';
import { createMergeService } from '../../src/features/merges/merge.service.ts';
import { encodeDocument } from '../../src/store/embedded/codec.ts';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { encodeValue } from '../../src/store/embedded/index-keys.ts';
import { ensureAllIndexes } from '../../src/wiring/all-indexes.ts';
import type { Store } from '../../src/store/port.ts';
import { mbox, openid, seedIdentifier, seedPersona } from '../identity/support/seed.ts';
import { makeTempDir, openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

const codesOf = (report: Awaited<ReturnType<typeof runDoctor>>) => report.problems.map((problem) => problem.code).sort();

describe('persona doctor', function () {
  this.timeout(60_000);
  const organisation = new ObjectId();
  let temp: TempStore;
  let store: Store;

  beforeEach(async () => {
    temp = await openTempEmbeddedStore({ indexes: false });
    store = temp.store;
    await ensureAllIndexes(store);
  });
  afterEach(() => temp.close());

  it('finds nothing wrong with a store the services wrote, merges and undos included', async () => {
    const target = await seedPersona(store, organisation, { identifiers: [mbox('t@example.org')], attributes: { team: 'red' } });
    const source = await seedPersona(store, organisation, {
      identifiers: [openid('http://id.example.org/s')],
      attributes: { team: 'blue' },
    });
    const third = await seedPersona(store, organisation, { identifiers: [mbox('x@example.org')] });
    const merges = createMergeService({ store });
    const merge = await merges.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'test' });
    await merges.mergePersonas({ organisation, targetId: target, sourceIds: [third], actor: 'test' });
    await merges.undoMerge({ organisation, mergeId: new ObjectId(merge.id), actor: 'test' }).catch(() => undefined);
    const report = await runDoctor(store);
    expect(report, JSON.stringify(report.problems)).to.include({ clean: true, repaired: 0, unrepaired: 0 });
  });

  it('an identifier whose persona is missing: found, and repaired by creating the persona', async () => {
    const missing = new ObjectId();
    const identifier = await seedIdentifier(store, organisation, missing, openid('http://id.example.org/orphan'));
    const found = await runDoctor(store);
    expect(found.problems).to.deep.include({
      code: 'identifier.orphan',
      collection: COLLECTIONS.identifiers,
      id: identifier.toHexString(),
      organisation: organisation.toHexString(),
      message: `names persona ${missing.toHexString()}, which does not exist`,
      repaired: false,
    });
    expect((await runDoctor(store, { repair: true })).repaired).to.equal(1);
    expect(await store.collection(COLLECTIONS.personas).findOne({ _id: missing, organisation })).to.include({
      name: null,
      createdBy: 'doctor',
    });
    expect((await runDoctor(store)).clean).to.equal(true);
  });

  it('an identifier on a tombstone: found, and moved to the live end of the chain', async () => {
    const live = await seedPersona(store, organisation);
    const middle = await seedPersona(store, organisation);
    const first = await seedPersona(store, organisation);
    const personas = store.collection(COLLECTIONS.personas);
    await personas.updateOne({ _id: middle, organisation }, { $set: { mergedInto: live } });
    await personas.updateOne({ _id: first, organisation }, { $set: { mergedInto: middle } });
    const identifier = await seedIdentifier(store, organisation, first, openid('http://id.example.org/late'));
    expect(codesOf(await runDoctor(store))).to.deep.equal(['identifier.on_tombstone']);
    await runDoctor(store, { repair: true });
    expect((await store.collection(COLLECTIONS.identifiers).findOne({ _id: identifier, organisation }))!.persona.equals(live)).to.equal(
      true,
    );
    expect((await runDoctor(store)).clean).to.equal(true);
  });

  it('a tombstone chain that loops or ends at a missing persona: reported, never repaired', async () => {
    const personas = store.collection(COLLECTIONS.personas);
    const a = await seedPersona(store, organisation);
    const b = await seedPersona(store, organisation);
    const dangling = await seedPersona(store, organisation);
    await personas.updateOne({ _id: a, organisation }, { $set: { mergedInto: b } });
    await personas.updateOne({ _id: b, organisation }, { $set: { mergedInto: a } });
    // A persona of another organisation is not a valid end: chains never cross organisations.
    const elsewhere = await seedPersona(store, new ObjectId());
    await personas.updateOne({ _id: dangling, organisation }, { $set: { mergedInto: elsewhere } });
    const report = await runDoctor(store, { repair: true });
    expect(codesOf(report)).to.deep.equal(['tombstone.broken_chain', 'tombstone.broken_chain', 'tombstone.broken_chain']);
    expect(report.repaired).to.equal(0);
    expect(report.problems.find((problem) => problem.id === dangling.toHexString())!.message).to.include(
      'does not exist in the organisation',
    );
    expect(report.problems.find((problem) => problem.id === a.toHexString())!.message).to.include('loops');
  });

  it('an interrupted merge in the journal: found, and completed by recovery', async () => {
    const target = await seedPersona(store, organisation, { identifiers: [mbox('t@example.org')] });
    const source = await seedPersona(store, organisation, { identifiers: [mbox('s@example.org')] });
    const now = new Date();
    const mergeId = new ObjectId();
    await store.collection(COLLECTIONS.merges).insertOne({
      _id: mergeId,
      organisation,
      target,
      sources: [source],
      actor: 'test',
      state: 'pending',
      createdAt: now,
      updatedAt: now,
    });
    expect(codesOf(await runDoctor(store))).to.deep.equal(['merge.half_applied']);
    const repaired = await runDoctor(store, { repair: true });
    expect(repaired.problems[0]).to.include({ code: 'merge.half_applied', id: mergeId.toHexString(), repaired: true });
    expect(await store.collection(COLLECTIONS.merges).findOne({ _id: mergeId, organisation })).to.include({ state: 'applied' });
    expect((await store.collection(COLLECTIONS.personas).findOne({ _id: source, organisation }))!.mergedInto.equals(target)).to.equal(true);
    expect((await runDoctor(store)).clean).to.equal(true);
  });

  it('a merge leased by a live process is reported and left to it unless forced', async () => {
    const target = await seedPersona(store, organisation);
    const source = await seedPersona(store, organisation);
    const now = new Date();
    await store.collection(COLLECTIONS.merges).insertOne({
      organisation,
      target,
      sources: [source],
      actor: 'test',
      state: 'pending',
      createdAt: now,
      updatedAt: now,
      owner: 'someone',
      leaseUntil: new Date(Date.now() + 60_000),
    });
    const report = await runDoctor(store, { repair: true });
    expect(report.problems[0]).to.include({ code: 'merge.half_applied', repaired: false });
    expect(report.problems[0].message).to.include('leased by a live process');
    expect((await runDoctor(store, { repair: true, takeOverLiveLeases: true })).unrepaired).to.equal(0);
  });

  it('index entries that disagree with the documents (one lost, one left over): found and rebuilt', async () => {
    await seedPersona(store, organisation, { identifiers: [mbox('a@example.org'), openid('http://id.example.org/a')] });
    // Damage below the engine: the raw LMDB sub-database of index entries.
    const root = open({ path: temp.dataDir!, maxDbs: 8 });
    const entries = root.openDB<Buffer, Buffer>('indexes', { keyEncoding: 'binary', encoding: 'binary', cache: false });
    const [first] = [...entries.getRange({ limit: 1 })];
    await entries.remove(first.key);
    await entries.put(Buffer.concat([Buffer.from(first.key).subarray(0, 4), Buffer.from('left over')]), Buffer.from(first.value));
    const found = await runDoctor(store);
    expect(codesOf(found)).to.deep.equal(['index.entry_missing', 'index.entry_stale']);
    expect((await runDoctor(store, { repair: true })).repaired).to.equal(2);
    expect((await runDoctor(store)).clean).to.equal(true);
  });

  it('two documents claiming one key of a unique index (written below the engine): reported, never repaired', async () => {
    const persona = await seedPersona(store, organisation, { identifiers: [openid('http://id.example.org/claimed')] });
    const original = (await store.collection(COLLECTIONS.identifiers).findOne({ organisation, persona }))!;
    const copyId = new ObjectId();
    const root = open({ path: temp.dataDir!, maxDbs: 8 });
    const documents = root.openDB<Buffer, Buffer>('documents', { keyEncoding: 'binary', encoding: 'binary', cache: false });
    const prefix = encodeValue(COLLECTIONS.identifiers);
    await documents.put(Buffer.concat([prefix, encodeValue(copyId)]), encodeDocument({ ...original, _id: copyId }));
    const report = await runDoctor(store, { repair: true });
    const conflicts = report.problems.filter((problem) => problem.code === 'index.unique_conflict');
    expect(conflicts.map((problem) => problem.id).sort()).to.deep.equal(
      [encodeValue(original._id).toString('hex'), encodeValue(copyId).toString('hex')].sort(),
    );
    expect(conflicts.every((problem) => !problem.repaired && problem.message.includes('organisation_1_canonicalKey_1'))).to.equal(true);
    expect(report.problems.find((problem) => problem.code === 'identifier.duplicate')).to.include({ repaired: false });
    expect((await runDoctor(store)).unrepaired).to.be.greaterThan(0);
  });

  it('duplicate identifiers and attribute keys (a store whose unique indexes were lost): found; attributes keep the newest', async () => {
    const bare = await openTempEmbeddedStore({ indexes: false });
    try {
      const persona = await seedPersona(bare.store, organisation);
      const one = await seedIdentifier(bare.store, organisation, persona, openid('http://id.example.org/twice'));
      const two = await seedIdentifier(bare.store, organisation, persona, openid('http://id.example.org/twice'));
      const attributes = bare.store.collection(COLLECTIONS.attributes);
      await attributes.insertOne({ organisation, personaId: persona, key: 'team', value: 'old', updatedAt: new Date(1000) });
      await attributes.insertOne({ organisation, personaId: persona, key: 'team', value: 'new', updatedAt: new Date(2000) });
      const report = await runDoctor(bare.store, { repair: true });
      expect(codesOf(report)).to.deep.equal(['attribute.duplicate_key', 'identifier.duplicate']);
      expect(report.problems.find((problem) => problem.code === 'identifier.duplicate')).to.include({
        id: two.toHexString(),
        repaired: false,
      });
      expect(report.problems.find((problem) => problem.code === 'identifier.duplicate')!.message).to.include(one.toHexString());
      expect((await attributes.find({ organisation, personaId: persona })).map((attribute) => attribute.value)).to.deep.equal(['new']);
    } finally {
      await bare.close();
    }
  });

  it('the command exits 0 on a clean store, 1 with a report otherwise, and 0 once --repair fixed everything', async () => {
    const dataDir = join(makeTempDir('persona-doctor-cli-'), 'data');
    const seeded = await openEmbeddedStore({ dataDir });
    await ensureAllIndexes(seeded);
    await seedPersona(seeded, organisation, { identifiers: [mbox('ok@example.org')] });
    const orphan = await seedIdentifier(seeded, organisation, new ObjectId(), openid('http://id.example.org/cli'));
    await seeded.close();
    const doctor = (args: string[]) =>
      run(process.execPath, [cli, 'doctor', ...args], { env: { ...process.env, DATA_DIR: dataDir, QUEUE: 'inline' } }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    const damaged = await doctor(['--json']);
    expect(damaged.code).to.equal(1);
    expect(JSON.parse(damaged.stdout)).to.deep.include({ clean: false, repaired: 0, unrepaired: 1 });
    expect(JSON.parse(damaged.stdout).problems[0]).to.include({ code: 'identifier.orphan', id: orphan.toHexString() });
    const human = await doctor([]);
    expect(human.stdout).to.match(/^PROBLEM {2}identifier\.orphan: personaIdentifiers /m);
    expect(await doctor(['--repair'])).to.deep.include({ code: 0 });
    expect(await doctor([])).to.deep.equal({ code: 0, stdout: 'store is clean\n' });
  });
});
