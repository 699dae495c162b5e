// Small builders that write personas, identifiers, attributes, links and email claims straight into a store, so the
// identity tests can set up exactly the state they need, and a snapshot helper to compare states before and after.
import { createHash } from 'node:crypto';
import { ObjectId } from 'bson';
import { COLLECTIONS, type Ifi } from '../../../src/domain/model.ts';
import type { Store } from '../../../src/store/port.ts';
import { openTempEmbeddedStore, type ProcessStore, type TempStore } from '../../support/temp-store.ts';

export const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

export function canonicalKeyOf(ifi: Ifi): string {
  switch (ifi.key) {
    case 'mbox': {
      const [local, domain] = ifi.value.slice('mailto:'.length).split('@');
      return `mbox|mailto:${local}@${domain.toLowerCase()}`;
    }
    case 'mbox_sha1sum':
      return `mbox_sha1sum|${ifi.value.toLowerCase()}`;
    case 'openid':
      return `openid|${ifi.value}`;
    default:
      return `account|${JSON.stringify([ifi.value.homePage, ifi.value.name])}`;
  }
}

export interface SeedPersona {
  name?: string;
  identifiers?: Ifi[];
  attributes?: Record<string, string | number | boolean>;
  links?: Array<{ recTypeName: string; recId: string }>;
}

export async function seedPersona(store: Store, organisation: ObjectId, seed: SeedPersona = {}): Promise<ObjectId> {
  const now = new Date();
  const persona = new ObjectId();
  await store.collection(COLLECTIONS.personas).insertOne({
    _id: persona,
    organisation,
    name: seed.name ?? `persona ${persona.toHexString().slice(-6)}`,
    active: true,
    createdAt: now,
    updatedAt: now,
  });
  for (const ifi of seed.identifiers ?? []) await seedIdentifier(store, organisation, persona, ifi);
  for (const [key, value] of Object.entries(seed.attributes ?? {})) {
    await store
      .collection(COLLECTIONS.attributes)
      .insertOne({ organisation, personaId: persona, key, value, createdAt: now, updatedAt: now });
  }
  for (const link of seed.links ?? []) {
    await store.collection(COLLECTIONS.links).insertOne({ organisation, persona, ...link, active: true, createdAt: now, updatedAt: now });
  }
  return persona;
}

/** An identifier; an mbox or mbox_sha1sum also gets its email claim, as the resolver would write it. */
export async function seedIdentifier(store: Store, organisation: ObjectId, persona: ObjectId, ifi: Ifi): Promise<ObjectId> {
  const now = new Date();
  const { insertedId } = await store.collection(COLLECTIONS.identifiers).insertOne({
    organisation,
    persona,
    ifi,
    canonicalKey: canonicalKeyOf(ifi),
    locked: false,
    createdAt: now,
    updatedAt: now,
  });
  const claim =
    ifi.key === 'mbox' ? sha1(canonicalKeyOf(ifi).slice('mbox|'.length)) : ifi.key === 'mbox_sha1sum' ? ifi.value.toLowerCase() : null;
  if (claim) {
    await store
      .collection(COLLECTIONS.emailClaims)
      .updateOne({ organisation, sha1: claim }, { $setOnInsert: { persona, createdAt: now } }, { upsert: true });
  }
  return insertedId as ObjectId;
}

/** Where everything of an organisation is: persona → sorted list of its identifiers, attributes, links, claims. */
export async function snapshot(store: Store, organisation: ObjectId) {
  const byPersona = new Map<
    string,
    { mergedInto: string | null; identifiers: string[]; attributes: string[]; links: string[]; claims: string[] }
  >();
  for (const persona of await store.collection(COLLECTIONS.personas).find({ organisation })) {
    byPersona.set(persona._id.toHexString(), {
      mergedInto: persona.mergedInto?.toHexString() ?? null,
      identifiers: [],
      attributes: [],
      links: [],
      claims: [],
    });
  }
  const add = (persona: ObjectId, field: 'identifiers' | 'attributes' | 'links' | 'claims', value: string) => {
    const entry = byPersona.get(persona.toHexString());
    if (!entry) throw new Error(`${field} ${value} on missing persona ${persona.toHexString()}`);
    entry[field].push(value);
  };
  for (const doc of await store.collection(COLLECTIONS.identifiers).find({ organisation }))
    add(doc.persona, 'identifiers', `${doc._id.toHexString()} ${doc.canonicalKey}`);
  for (const doc of await store.collection(COLLECTIONS.attributes).find({ organisation }))
    add(doc.personaId, 'attributes', `${doc._id.toHexString()} ${doc.key}=${doc.value}`);
  for (const doc of await store.collection(COLLECTIONS.links).find({ organisation }))
    add(doc.persona, 'links', `${doc._id.toHexString()} ${doc.recTypeName}/${doc.recId}`);
  for (const doc of await store.collection(COLLECTIONS.emailClaims).find({ organisation })) add(doc.persona, 'claims', doc.sha1);
  const result: Record<string, unknown> = {};
  for (const [id, entry] of [...byPersona].sort(([a], [b]) => a.localeCompare(b))) {
    for (const list of [entry.identifiers, entry.attributes, entry.links, entry.claims]) list.sort();
    result[id] = entry;
  }
  return result;
}

export const mbox = (address: string): Ifi => ({ key: 'mbox', value: `mailto:${address}` });
export const account = (homePage: string, name: string): Ifi => ({ key: 'account', value: { homePage, name } });
export const openid = (uri: string): Ifi => ({ key: 'openid', value: uri });
export const mboxSha1 = (address: string): Ifi => ({ key: 'mbox_sha1sum', value: sha1(`mailto:${address}`) });

/**
 * What a merge interrupted right after its intent passed the guard leaves in a store no process has open:
 * a `pending` record, nothing applied yet. Answers the merge id.
 */
export async function leavePendingMerge(shared: ProcessStore, target: ObjectId, source: ObjectId, actor: string): Promise<ObjectId> {
  const store = await shared.open();
  try {
    const organisation = (await store.collection(COLLECTIONS.personas).findOne({ _id: target }))!.organisation as ObjectId;
    const now = new Date();
    const _id = new ObjectId();
    await store
      .collection(COLLECTIONS.merges)
      .insertOne({ _id, organisation, target, sources: [source], actor, state: 'pending', createdAt: now, updatedAt: now });
    return _id;
  } finally {
    await store.close();
  }
}

/**
 * For a describe block about merging two personas: a fresh store with every index, and a target and a source persona
 * (one mbox each) in one organisation, rebuilt before each test.
 */
export function useMergePair() {
  const pair = { organisation: new ObjectId() } as { organisation: ObjectId; target: ObjectId; source: ObjectId; temp: TempStore };
  beforeEach(async () => {
    pair.temp = await openTempEmbeddedStore();
    pair.target = await seedPersona(pair.temp.store, pair.organisation, { identifiers: [mbox('t@example.org')] });
    pair.source = await seedPersona(pair.temp.store, pair.organisation, { identifiers: [mbox('s@example.org')] });
  });
  afterEach(async () => {
    await pair.temp.close();
  });
  return pair;
}
