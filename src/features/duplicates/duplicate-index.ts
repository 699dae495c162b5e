// The duplicate index: every live persona's match keys (duplicate-keys.ts) in collection personaDuplicateKeys,
// brought up to date incrementally. A refresh recomputes the keys of personas touched since the last refresh (their
// own updatedAt, or that of one of their identifiers or attributes) and removes keys of personas that became
// tombstones or vanished. The first refresh of an organisation builds the whole index in one streaming pass.
import { ObjectId } from 'bson';
import { COLLECTIONS, type AttributeDoc, type IdentifierDoc, type PersonaDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { DUPLICATE_KEYS_COLLECTION, matchKeysOf } from './duplicate-keys.ts';

export const DUPLICATE_STATE_COLLECTION = 'personaDuplicateIndexState';

/** Writes that committed just before a refresh started may carry a slightly older updatedAt: re-read this far back. */
const OVERLAP_MS = 5_000;
const CHUNK = 1000;

export interface DuplicateKeyDoc {
  organisation: ObjectId;
  persona: ObjectId;
  key: string;
  origin: string;
}


/** What a refresh changed: everything (first build) or these personas. */
export type RefreshedPersonas = { isFull: true } | { isFull: false; touched: ObjectId[] };

/**
 * `afterKeys` runs once the keys are current and before the watermark moves (the pairs follow the keys there; a
 * crash in between repeats the refresh, never skips it).
 */
export async function refreshDuplicateIndex(
  store: Store, organisation: ObjectId, identifyingAttributes: ReadonlySet<string>, afterKeys: (refreshed: RefreshedPersonas) => Promise<void> = async () => {},
): Promise<number> {
  const state = store.collection(DUPLICATE_STATE_COLLECTION);
  const started = new Date();
  const previous = await state.findOne({ _id: organisation });
  const attributeKeys = [...identifyingAttributes].sort();
  // A change of which attributes identify a person changes every persona's keys.
  const isFull = !previous || JSON.stringify(previous.identifyingAttributes) !== JSON.stringify(attributeKeys);
  let refreshed = 0;
  if (isFull) {
    await store.collection(DUPLICATE_KEYS_COLLECTION).deleteMany({ organisation });
    refreshed = await buildWholeIndex(store, organisation, identifyingAttributes);
    await afterKeys({ isFull: true });
  } else {
    const since = new Date((previous.watermark as Date).getTime() - OVERLAP_MS);
    const touched = new Map<string, ObjectId>();
    const note = (id: ObjectId) => touched.set(id.toHexString(), id);
    for await (const doc of store.collection<PersonaDoc>(COLLECTIONS.personas).iterate({ organisation, updatedAt: { $gt: since } }, { projection: { _id: 1 } })) note(doc._id);
    for await (const doc of store.collection<IdentifierDoc>(COLLECTIONS.identifiers).iterate({ organisation, updatedAt: { $gt: since } }, { projection: { persona: 1 } })) note(doc.persona);
    for await (const doc of store.collection<AttributeDoc>(COLLECTIONS.attributes).iterate({ organisation, updatedAt: { $gt: since } }, { projection: { personaId: 1 } })) note(doc.personaId);
    const ids = [...touched.values()];
    // Only personas whose keys changed can have different pairs (a pair depends on the keys of its two personas).
    const changed: ObjectId[] = [];
    for (let start = 0; start < ids.length; start += CHUNK) {
      changed.push(...await reindexPersonas(store, organisation, ids.slice(start, start + CHUNK), identifyingAttributes));
    }
    refreshed = ids.length;
    await afterKeys({ isFull: false, touched: changed });
  }
  await state.updateOne({ _id: organisation }, { $set: { watermark: started, identifyingAttributes: attributeKeys } }, { upsert: true });
  return refreshed;
}

/**
 * The first build of an organisation's index, in sequential reads instead of per-chunk `$in` look-ups: live persona
 * names (the one per-persona thing held in memory), identifying attributes, then identifiers in persona order (the
 * (organisation, persona) index), so each persona's identifiers arrive together and its keys are written at once.
 */
async function buildWholeIndex(store: Store, organisation: ObjectId, identifyingAttributes: ReadonlySet<string>): Promise<number> {
  const names = new Map<string, string | null | undefined>();
  for await (const persona of store.collection<PersonaDoc>(COLLECTIONS.personas).iterate({ organisation }, { projection: { _id: 1, name: 1, mergedInto: 1 }, batchSize: CHUNK })) {
    if (!persona.mergedInto) names.set(persona._id.toHexString(), persona.name);
  }
  const attributes = new Map<string, Array<{ key: string; value: unknown }>>();
  if (identifyingAttributes.size > 0) {
    for await (const attribute of store.collection<AttributeDoc>(COLLECTIONS.attributes).iterate(
      { organisation, key: { $in: [...identifyingAttributes] } }, { projection: { personaId: 1, key: 1, value: 1 }, batchSize: CHUNK },
    )) {
      const id = attribute.personaId.toHexString();
      attributes.set(id, [...(attributes.get(id) ?? []), { key: attribute.key, value: attribute.value }]);
    }
  }
  const keys = store.collection<DuplicateKeyDoc>(DUPLICATE_KEYS_COLLECTION);
  let pending: DuplicateKeyDoc[] = [];
  const emit = async (id: ObjectId, identifiers: IdentifierDoc['ifi'][]) => {
    const hex = id.toHexString();
    if (!names.has(hex)) return;
    for (const { key, origin } of matchKeysOf({ name: names.get(hex), identifiers, attributes: attributes.get(hex) ?? [] }, identifyingAttributes)) {
      pending.push({ organisation, persona: id, key, origin });
    }
    names.delete(hex);
    if (pending.length >= 5 * CHUNK) { await keys.insertMany(pending, { ordered: false }); pending = []; }
  };
  const count = names.size;
  let current: { id: ObjectId; identifiers: IdentifierDoc['ifi'][] } | null = null;
  for await (const identifier of store.collection<IdentifierDoc>(COLLECTIONS.identifiers).iterate(
    { organisation }, { projection: { persona: 1, ifi: 1 }, sort: { organisation: 1, persona: 1 }, batchSize: CHUNK },
  )) {
    if (current && !current.id.equals(identifier.persona)) { await emit(current.id, current.identifiers); current = null; }
    current ??= { id: identifier.persona, identifiers: [] };
    current.identifiers.push(identifier.ifi);
  }
  if (current) await emit(current.id, current.identifiers);
  // Personas without identifiers: their name and attributes only.
  for (const hex of [...names.keys()]) await emit(new ObjectId(hex), []);
  if (pending.length > 0) await keys.insertMany(pending, { ordered: false });
  return count;
}

/**
 * Recomputes the keys of these personas from their current data (none for tombstones and missing personas) and
 * writes only the difference with what the index holds: a refresh that finds nothing changed writes nothing.
 * Answers the personas whose keys changed.
 */
export async function reindexPersonas(store: Store, organisation: ObjectId, ids: ObjectId[], identifyingAttributes: ReadonlySet<string>): Promise<ObjectId[]> {
  if (ids.length === 0) return [];
  const keys = store.collection<DuplicateKeyDoc & { _id: ObjectId }>(DUPLICATE_KEYS_COLLECTION);
  const [wanted, held] = await Promise.all([
    computeKeys(store, organisation, ids, identifyingAttributes),
    keys.find({ organisation, persona: { $in: ids } }, { projection: { _id: 1, persona: 1, key: 1, origin: 1 } }),
  ]);
  const identity = (doc: DuplicateKeyDoc) => `${doc.persona.toHexString()}\u0000${doc.key}\u0000${doc.origin}`;
  const heldByIdentity = new Map(held.map((doc) => [identity(doc), doc._id]));
  const toInsert = wanted.filter((doc) => !heldByIdentity.delete(identity(doc)));
  const toDelete = [...heldByIdentity.values()];
  if (toDelete.length > 0) await keys.deleteMany({ organisation, _id: { $in: toDelete } });
  if (toInsert.length > 0) await keys.insertMany(toInsert, { ordered: false });
  const changed = new Map<string, ObjectId>();
  for (const doc of toInsert) changed.set(doc.persona.toHexString(), doc.persona);
  const deleted = new Set(toDelete.map((id) => id.toHexString()));
  for (const doc of held) if (deleted.has(doc._id.toHexString())) changed.set(doc.persona.toHexString(), doc.persona);
  return [...changed.values()];
}

export async function computeKeys(store: Store, organisation: ObjectId, ids: ObjectId[], identifyingAttributes: ReadonlySet<string>): Promise<DuplicateKeyDoc[]> {
  const [personas, identifiers, attributes] = await Promise.all([
    store.collection<PersonaDoc>(COLLECTIONS.personas).find({ organisation, _id: { $in: ids } }, { projection: { _id: 1, name: 1, mergedInto: 1 } }),
    store.collection<IdentifierDoc>(COLLECTIONS.identifiers).find({ organisation, persona: { $in: ids } }, { projection: { persona: 1, ifi: 1 } }),
    identifyingAttributes.size === 0 ? Promise.resolve([] as AttributeDoc[]) : store.collection<AttributeDoc>(COLLECTIONS.attributes).find(
      { organisation, personaId: { $in: ids }, key: { $in: [...identifyingAttributes] } }, { projection: { personaId: 1, key: 1, value: 1 } },
    ),
  ]);
  const facts = new Map(personas.filter((persona) => !persona.mergedInto).map((persona) => [
    persona._id.toHexString(), { id: persona._id, name: persona.name, identifiers: [] as IdentifierDoc['ifi'][], attributes: [] as Array<{ key: string; value: unknown }> },
  ]));
  for (const identifier of identifiers) facts.get(identifier.persona.toHexString())?.identifiers.push(identifier.ifi);
  for (const attribute of attributes) facts.get(attribute.personaId.toHexString())?.attributes.push(attribute);
  const docs: DuplicateKeyDoc[] = [];
  for (const fact of facts.values()) {
    for (const { key, origin } of matchKeysOf(fact, identifyingAttributes)) docs.push({ organisation, persona: fact.id, key, origin });
  }
  return docs;
}
