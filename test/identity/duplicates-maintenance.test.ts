// The duplicate index kept current through every way the data changes, over the real app: statements resolved,
// a rename, an identifying attribute set and changed, a merge and its undo, an identifier deleted (which leaves no
// updatedAt for a refresh to find), an erasure (whose data must vanish from the index too). After each step a
// refresh leaves exactly the keys and pairs computed from scratch from the data (the oracle), and the list and one
// persona's suggestions say what the data says.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import {
  DUPLICATE_STATE_COLLECTION,
  KEYS_PER_DOCUMENT,
  computeKeys,
  entriesOf,
  type PersonaKeysDoc,
} from '../../src/features/duplicates/duplicate-index.ts';
import { DUPLICATE_KEYS_COLLECTION, LEGACY_DUPLICATE_KEYS_COLLECTION } from '../../src/features/duplicates/duplicate-keys.ts';
import {
  DUPLICATE_PAIRS_COLLECTION,
  addGroup,
  groupByKey,
  scorePairs,
  toPairView,
  type DuplicatePair,
  type DuplicatePairDoc,
} from '../../src/features/duplicates/duplicate-pairs.ts';
import { createPersona, mboxIfi, startTestApi, type TestApi } from './support/identity-api.ts';
import { unguarded } from '../support/shard-key-guard.ts';

describe('duplicate index maintenance', () => {
  let api: TestApi;
  let organisation: ObjectId;
  beforeEach(async () => {
    api = await startTestApi({ DUPLICATE_IDENTIFYING_ATTRIBUTES: 'employeeNumber' });
    organisation = new ObjectId(api.admin.organisation);
  });
  afterEach(async () => {
    await api.close();
  });

  const pairsOf = (body: any): string[] =>
    body.data.map(
      (pair: any) =>
        `${[...pair.personas].sort().join('+')} ${pair.reasons
          .map((reason: any) => reason.code)
          .sort()
          .join(',')}`,
    );
  const pair = (a: string, b: string, ...codes: string[]) => `${[a, b].sort().join('+')} ${codes.sort().join(',')}`;
  const list = async () => pairsOf((await api.request('GET', '/v1/duplicates?limit=100')).body);
  const suggestionsOf = async (id: string) => pairsOf((await api.request('GET', `/v1/personas/${id}/duplicates`)).body);
  const ok = (answer: { status: number; body: unknown }, status = 200) =>
    expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  const byKeyAndPersona = (a: { key: string; persona: ObjectId }, b: { key: string; persona: ObjectId }) =>
    a.key.localeCompare(b.key) || a.persona.toHexString().localeCompare(b.persona.toHexString());

  /**
   * Moves everything written so far an hour into the past, as if the step to come happened long after: only what
   * the step itself writes is recent (a refresh re-reads the last seconds of writes anyway, which would hide a step
   * it cannot see).
   */
  async function age(): Promise<void> {
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const name of [COLLECTIONS.personas, COLLECTIONS.identifiers, COLLECTIONS.attributes, COLLECTIONS.merges]) {
      await api.built.store.collection(name).updateMany({ organisation }, { $set: { updatedAt: hourAgo } });
    }
  }

  /** A refresh (no page read, so nothing is corrected on the way out) leaves the index the data implies. */
  async function expectRefreshedIndexCurrent(): Promise<void> {
    const store = api.built.store;
    await api.built.identity.duplicates.refresh(organisation);
    const personas = (await store.collection(COLLECTIONS.personas).find({ organisation }, { projection: { _id: 1 } })).map(
      (doc) => doc._id as ObjectId,
    );
    const oracle = await computeKeys(store, organisation, personas, new Set(['employeeNumber']));
    const stored = entriesOf(await store.collection<PersonaKeysDoc>(DUPLICATE_KEYS_COLLECTION).find({ organisation }));
    expect(stored.sort(byKeyAndPersona), 'keys').to.deep.equal(oracle.sort(byKeyAndPersona));
    const pairs = new Map<string, DuplicatePair>();
    for (const group of groupByKey(oracle).values()) addGroup(pairs, group, 50);
    const storedPairs = (
      await store.collection<DuplicatePairDoc>(DUPLICATE_PAIRS_COLLECTION).find({ organisation }, { sort: { score: -1, pair: 1 } })
    ).map(toPairView);
    expect(storedPairs, 'pairs').to.deep.equal(await scorePairs(store, organisation, pairs));
  }

  it('follows resolution, rename, attributes, merge, undo, identifier deletion and erasure', async () => {
    const ann = await createPersona(api, { name: 'Ann Smith', identifiers: [mboxIfi('ann@example.org')] });
    const carl = await createPersona(api, {
      name: 'Carl Weber',
      identifiers: [mboxIfi('carl@example.org')],
      attributes: { employeeNumber: 'E7' },
    });
    const dora = await createPersona(api, { name: 'Dora Lee' });
    expect(await list()).to.deep.equal([]);

    await age();
    // Resolution creates a persona for a case variant of Ann's address.
    ok(
      await api.request('POST', '/v1/statements?wait=true', {
        body: {
          actor: { mbox: 'mailto:ANN@example.org', name: 'A. Smith' },
          verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
          object: { id: 'https://example.org/course/1' },
        },
      }),
    );
    const annUpper = (await api.request('GET', '/v1/personas/by-identifier?mbox=mailto:ANN@example.org')).body.id as string;
    expect(annUpper).to.be.a('string').and.not.equal(ann);
    await expectRefreshedIndexCurrent();
    expect(await list()).to.deep.equal([pair(ann, annUpper, 'email_case_variant')]);

    await age();
    // A rename makes Dora's name Carl's.
    ok(
      await api.request('PATCH', `/v1/personas/${dora}`, {
        body: { name: 'carl  WEBER' },
        headers: { 'content-type': 'application/merge-patch+json' },
      }),
    );
    await expectRefreshedIndexCurrent();
    expect(await suggestionsOf(carl)).to.deep.equal([pair(carl, dora, 'display_name')]);

    await age();
    // An identifying attribute adds a reason; changing its value takes it away again.
    ok(await api.request('PUT', `/v1/personas/${dora}/attributes/employeeNumber`, { body: { value: 'E7' } }), 201);
    await expectRefreshedIndexCurrent();
    expect(await list()).to.deep.equal([
      pair(ann, annUpper, 'email_case_variant'),
      pair(carl, dora, 'display_name', 'identifying_attribute'),
    ]);
    await age();
    ok(await api.request('PUT', `/v1/personas/${dora}/attributes/employeeNumber`, { body: { value: 'E8' } }));
    await expectRefreshedIndexCurrent();
    expect(await list()).to.deep.equal([pair(ann, annUpper, 'email_case_variant'), pair(carl, dora, 'display_name')]);

    await age();
    // A merge removes the pair; its undo (which writes nothing of the target's) brings it back.
    const merge = await api.request('POST', `/v1/personas/${ann}/merge`, { body: { from: [annUpper] } });
    ok(merge, 201);
    await expectRefreshedIndexCurrent();
    expect(await list()).to.deep.equal([pair(carl, dora, 'display_name')]);
    expect(await suggestionsOf(ann)).to.deep.equal([]);
    await age();
    ok(await api.request('POST', `/v1/merges/${merge.body.id}/undo`));
    await expectRefreshedIndexCurrent();
    expect(await list()).to.deep.equal([pair(ann, annUpper, 'email_case_variant'), pair(carl, dora, 'display_name')]);

    await age();
    // Deleting the identifier writes no updatedAt a refresh could find: the pair still goes from the list (checked on
    // the way out), which leaves the index current again.
    const identifier = (await api.request('GET', `/v1/personas/${annUpper}`)).body.identifiers[0].id as string;
    ok(await api.request('DELETE', `/v1/identifiers/${identifier}`), 204);
    expect(await list()).to.deep.equal([pair(carl, dora, 'display_name')]);
    expect(await suggestionsOf(ann)).to.deep.equal([]);
    await expectRefreshedIndexCurrent();

    await age();
    // Erasure: Carl's pair goes, and nothing of his is left in the index collections.
    ok(await api.request('POST', `/v1/personas/${carl}/erase`));
    await expectRefreshedIndexCurrent();
    expect(await list()).to.deep.equal([]);
    expect(await suggestionsOf(dora)).to.deep.equal([]);
    for (const name of [DUPLICATE_KEYS_COLLECTION, DUPLICATE_PAIRS_COLLECTION]) {
      const dump = JSON.stringify(await unguarded(api.built.store).collection(name).find({}));
      expect(dump, name).to.not.include('carl@example.org');
      expect(dump, name).to.not.include(carl);
    }
  });

  it("shows no pair with a persona whose identifier was deleted, also in one persona's suggestions first", async () => {
    const ann = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')] });
    const annUpper = await createPersona(api, { name: 'Anne', identifiers: [mboxIfi('ANN@example.org')] });
    expect(await suggestionsOf(ann)).to.deep.equal([pair(ann, annUpper, 'email_case_variant')]);
    const identifier = (await api.request('GET', `/v1/personas/${annUpper}`)).body.identifiers[0].id as string;
    await age();
    ok(await api.request('DELETE', `/v1/identifiers/${identifier}`), 204);
    expect(await suggestionsOf(ann)).to.deep.equal([]);
    expect(await list()).to.deep.equal([]);
  });

  it('rebuilds an organisation indexed in the former one-document-per-key format, dropping those documents', async () => {
    const ann = await createPersona(api, { name: 'Ann Smith', identifiers: [mboxIfi('ann@example.org')] });
    const annToo = await createPersona(api, { name: 'ann smith' });
    const store = api.built.store;
    await store
      .collection(LEGACY_DUPLICATE_KEYS_COLLECTION)
      .insertOne({ organisation, persona: new ObjectId(ann), key: 'email:ann@example.org', origin: 'mbox mailto:ann@example.org' });
    await store
      .collection(DUPLICATE_STATE_COLLECTION)
      .insertOne({ _id: organisation, watermark: new Date(), identifyingAttributes: ['employeeNumber'] });
    expect(await list()).to.deep.equal([pair(ann, annToo, 'display_name')]);
    expect(await store.collection(LEGACY_DUPLICATE_KEYS_COLLECTION).countDocuments({})).to.equal(0);
    expect(await store.collection(DUPLICATE_KEYS_COLLECTION).countDocuments({ organisation })).to.equal(2);
  });

  it('keeps a persona with more keys than one document holds in several bounded documents, built and reindexed', async () => {
    // Each lower-case mbox gives 2 keys (its sha1 and its address), the name one: 550 addresses are 1,101 keys, two
    // documents. One document per persona passed 16 MB at about 60,000 addresses on MongoDB (review finding 7); the
    // chunks keep every document near 300 KB.
    const many = await createPersona(api, {
      name: 'Many Addresses',
      identifiers: Array.from({ length: 100 }, (_, n) => mboxIfi(`many${n}@example.org`)),
    });
    for (let start = 100; start < 550; start += 50) {
      const attached = await Promise.all(
        Array.from({ length: 50 }, (_, n) =>
          api.request('POST', '/v1/identifiers', { body: { ifi: mboxIfi(`many${start + n}@example.org`), persona: many } }),
        ),
      );
      for (const answer of attached) ok(answer, 201);
    }
    const last = await createPersona(api, { name: 'Last Address', identifiers: [mboxIfi('MANY549@example.org')] });
    const keyDocuments = async () =>
      await api.built.store
        .collection<PersonaKeysDoc>(DUPLICATE_KEYS_COLLECTION)
        .find({ organisation, persona: new ObjectId(many) }, { sort: { _id: 1 } });
    await expectRefreshedIndexCurrent();
    expect((await keyDocuments()).map((doc) => [doc._id, doc.keys.length])).to.deep.equal([
      [`${many}:0`, KEYS_PER_DOCUMENT],
      [`${many}:1`, 1101 - KEYS_PER_DOCUMENT],
    ]);
    // The case variant of the last address, in the second document, still pairs the two.
    expect(await suggestionsOf(last)).to.deep.equal([pair(many, last, 'email_case_variant')]);

    await age();
    // Most addresses go (deleted in the store, then a rename touches the persona): the reindex drops the second document.
    await api.built.store.collection(COLLECTIONS.identifiers).deleteMany({
      organisation,
      persona: new ObjectId(many),
      'ifi.value': { $nin: ['mailto:many0@example.org', 'mailto:many549@example.org'] },
    });
    ok(
      await api.request('PATCH', `/v1/personas/${many}`, {
        body: { name: 'Two Addresses' },
        headers: { 'content-type': 'application/merge-patch+json' },
      }),
    );
    await expectRefreshedIndexCurrent();
    expect((await keyDocuments()).map((doc) => [doc._id, doc.keys.length])).to.deep.equal([[`${many}:0`, 5]]);
    expect(await suggestionsOf(last)).to.deep.equal([pair(many, last, 'email_case_variant')]);
  });
});
