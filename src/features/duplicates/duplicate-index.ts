// The duplicate index: every live persona's match keys (duplicate-keys.ts) in collection personaMatchKeys, at most
// KEYS_PER_DOCUMENT keys per document (a persona with 60,000 email identifiers holds 180,000 keys: one document
// would pass MongoDB's 16 MB limit), a multikey index on the keys finds who else holds one. Brought up to date incrementally. A
// refresh recomputes the keys of personas touched since the last refresh (duplicate-changes.ts says which) and
// removes those of personas that became tombstones or vanished. The first refresh of an organisation (and one whose
// position the store's change history no longer holds) builds the whole index in one streaming pass. Deletions are not followed:
// what is read from the index is checked against the data on the way out (duplicates.service.ts), so a deleted
// identifier or persona is never suggested even before a refresh sees it.
import { ObjectId } from 'bson';
import { COLLECTIONS, type AttributeDoc, type IdentifierDoc, type PersonaDoc } from '../../domain/model.ts';
import { DUPLICATE_KEY_CODE, insertManyIgnoringDuplicates, type Collection, type Store } from '../../store/port.ts';
import { isTokenDue, personasChangedSince } from './duplicate-changes.ts';
import { DUPLICATE_KEYS_COLLECTION, LEGACY_DUPLICATE_KEYS_COLLECTION, matchKeysOf, type MatchKey } from './duplicate-keys.ts';

export const DUPLICATE_STATE_COLLECTION = 'personaDuplicateIndexState';

/** Bumped when the stored keys change shape or meaning: an organisation indexed in another format is rebuilt. */
const INDEX_FORMAT = 3;
/** Keys per stored document: about 280 bytes each (key and origin), so a document stays near 300 KB, far below 16 MB. */
export const KEYS_PER_DOCUMENT = 1000;
const CHUNK = 1000;
/** Documents per read and per insert of a whole build: fewer, larger transactions (each commit is flushed). */
const BUILD_BATCH = 10_000;
/**
 * Reads by a list of ids walk the primary key: the embedded store's planner would otherwise pick an index that
 * merely starts with `organisation`, several times slower for a long list (MongoDB picks _id by itself).
 */
export const BY_ID = { hint: { _id: 1 } } as const;

/**
 * One stored document per live persona that has keys and per KEYS_PER_DOCUMENT of them: `_id` is
 * `<persona hex>:<chunk>` (so rewriting a persona's keys replaces its documents in place); `origins[i]` produced `keys[i]`.
 */
export interface PersonaKeysDoc {
  _id: string;
  organisation: ObjectId;
  persona: ObjectId;
  keys: string[];
  origins: string[];
}

/** One key of one persona: the unit the pairing works on. */
export interface DuplicateKeyDoc {
  organisation: ObjectId;
  persona: ObjectId;
  key: string;
  origin: string;
}

export const keysOf = (store: Store): Collection<PersonaKeysDoc> => store.collection<PersonaKeysDoc>(DUPLICATE_KEYS_COLLECTION);

/** The keys of stored documents, one entry per key; only those in `only` when given. */
export function entriesOf(docs: PersonaKeysDoc[], only?: ReadonlySet<string>): DuplicateKeyDoc[] {
  return docs.flatMap((doc) =>
    doc.keys.flatMap((key, index) =>
      only && !only.has(key) ? [] : [{ organisation: doc.organisation, persona: doc.persona, key, origin: doc.origins[index] }],
    ),
  );
}

/** Who holds any of these keys (a multikey index lookup per thousand keys), as entries for those keys only. */
export async function holdersOf(store: Store, organisation: ObjectId, keys: string[], except?: ObjectId): Promise<DuplicateKeyDoc[]> {
  const entries: DuplicateKeyDoc[] = [];
  for (let start = 0; start < keys.length; start += CHUNK) {
    const wanted = keys.slice(start, start + CHUNK);
    const docs = await keysOf(store).find({ organisation, keys: { $in: wanted }, ...(except ? { persona: { $ne: except } } : {}) });
    entries.push(...entriesOf(docs, new Set(wanted)));
  }
  return entries;
}

/** The stored documents of one persona's keys, KEYS_PER_DOCUMENT to a document. */
export function keyDocumentsOf(organisation: ObjectId, persona: ObjectId, keys: MatchKey[]): PersonaKeysDoc[] {
  const docs: PersonaKeysDoc[] = [];
  for (let start = 0; start < keys.length; start += KEYS_PER_DOCUMENT) {
    const chunk = keys.slice(start, start + KEYS_PER_DOCUMENT);
    docs.push({
      _id: `${persona.toHexString()}:${docs.length}`,
      organisation,
      persona,
      keys: chunk.map((entry) => entry.key),
      origins: chunk.map((entry) => entry.origin),
    });
  }
  return docs;
}

/** The documents of these keys, grouped per persona (the reindex writes them). */
function toDocs(organisation: ObjectId, entries: DuplicateKeyDoc[]): Map<string, PersonaKeysDoc[]> {
  const byPersona = new Map<string, { persona: ObjectId; keys: MatchKey[] }>();
  for (const entry of entries) {
    const hex = entry.persona.toHexString();
    const held = byPersona.get(hex) ?? { persona: entry.persona, keys: [] };
    held.keys.push(entry);
    byPersona.set(hex, held);
  }
  return new Map([...byPersona].map(([hex, held]) => [hex, keyDocumentsOf(organisation, held.persona, held.keys)]));
}

/** A persona's stored documents, grouped per persona hex, chunks in order. */
function groupByPersona(docs: PersonaKeysDoc[]): Map<string, PersonaKeysDoc[]> {
  const byPersona = new Map<string, PersonaKeysDoc[]>();
  for (const doc of docs) {
    const hex = doc.persona.toHexString();
    byPersona.set(hex, [...(byPersona.get(hex) ?? []), doc]);
  }
  for (const held of byPersona.values()) held.sort((a, b) => chunkOf(a) - chunkOf(b));
  return byPersona;
}

const chunkOf = (doc: PersonaKeysDoc): number => Number(doc._id.slice(doc._id.indexOf(':') + 1));

/** These personas' stored key documents (the (organisation, persona) index serves it). */
export const keyDocumentsOfPersonas = (store: Store, organisation: ObjectId, ids: ObjectId[]): Promise<PersonaKeysDoc[]> =>
  keysOf(store).find({ organisation, persona: { $in: ids } });

/**
 * What a refresh changed: everything (first build; `sharedKeys` are the keys held by more than one persona, with
 * how many hold each, the only keys that can make pairs) or these personas.
 */
export type RefreshedPersonas = { isFull: true; sharedKeys: Map<string, number> } | { isFull: false; touched: ObjectId[] };

/**
 * `afterKeys` runs once the keys are current and before the change token is stored (the pairs follow the keys there; a
 * crash in between repeats the refresh, never skips it).
 */
export async function refreshDuplicateIndex(
  store: Store,
  organisation: ObjectId,
  identifyingAttributes: ReadonlySet<string>,
  afterKeys: (refreshed: RefreshedPersonas) => Promise<void> = async () => {},
): Promise<number> {
  const state = store.collection(DUPLICATE_STATE_COLLECTION);
  const previous = await state.findOne({ _id: organisation });
  const attributeKeys = [...identifyingAttributes].sort();
  // A change of which attributes identify a person changes every persona's keys. A state without a change token
  // was written by a version that followed changes by their timestamps: its position means nothing now.
  const isStale =
    !previous ||
    previous.format !== INDEX_FORMAT ||
    JSON.stringify(previous.identifyingAttributes) !== JSON.stringify(attributeKeys) ||
    typeof previous.changeToken !== 'string';
  const changes = isStale ? null : await personasChangedSince(store, organisation, previous.changeToken as string);
  let refreshed: number;
  let changeToken: string;
  // historyLost: the store no longer holds the changes after the stored position; only a full scan is sure to see them.
  if (!changes || changes.historyLost) {
    // Taken before the scan: a write the scan misses comes after it, so the next refresh sees it.
    changeToken = await store.changeToken();
    await keysOf(store).deleteMany({ organisation });
    // Indexed before format 2: one document per key, in the collection of that time.
    if (previous && (previous.format ?? 1) < 2) await store.collection(LEGACY_DUPLICATE_KEYS_COLLECTION).deleteMany({ organisation });
    const built = await buildWholeIndex(store, organisation, identifyingAttributes);
    refreshed = built.personas;
    await afterKeys({ isFull: true, sharedKeys: built.sharedKeys });
  } else {
    const ids = changes.touched;
    // Nothing to index; the state is written only now and then (a state write is a flushed commit per request).
    if (ids.length === 0 && !isTokenDue(previous)) return 0;
    // Only personas whose keys changed can have different pairs (a pair depends on the keys of its two personas).
    const changed: ObjectId[] = [];
    for (let start = 0; start < ids.length; start += CHUNK) {
      changed.push(...(await reindexPersonas(store, organisation, ids.slice(start, start + CHUNK), identifyingAttributes)).changed);
    }
    refreshed = ids.length;
    await afterKeys({ isFull: false, touched: changed });
    changeToken = changes.token;
  }
  await state.updateOne(
    { _id: organisation },
    {
      $set: { changeToken, changeTokenSavedAt: new Date(), identifyingAttributes: attributeKeys, format: INDEX_FORMAT },
      $unset: { watermark: '', overlapDigest: '' },
    },
    { upsert: true },
  );
  return refreshed;
}

/**
 * The first build of an organisation's index, in sequential reads instead of per-chunk `$in` look-ups: live persona
 * names (the one per-persona thing held in memory), identifying attributes, then identifiers in persona order (the
 * (organisation, persona) index), so each persona's identifiers arrive together and its keys are written at once.
 * Each key is counted on the way (a number per distinct key, tens of bytes): the keys held more than once are the
 * only ones that can pair personas, so building the pairs reads just their holders back instead of walking the
 * whole key index in key order.
 */
async function buildWholeIndex(
  store: Store,
  organisation: ObjectId,
  identifyingAttributes: ReadonlySet<string>,
): Promise<{ personas: number; sharedKeys: Map<string, number> }> {
  const names = new Map<string, string | null | undefined>();
  for await (const persona of store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .iterate({ organisation }, { projection: { _id: 1, name: 1, mergedInto: 1 }, batchSize: BUILD_BATCH })) {
    if (!persona.mergedInto) names.set(persona._id.toHexString(), persona.name);
  }
  const attributes = new Map<string, Array<{ key: string; value: unknown }>>();
  if (identifyingAttributes.size > 0) {
    for await (const attribute of store
      .collection<AttributeDoc>(COLLECTIONS.attributes)
      .iterate(
        { organisation, key: { $in: [...identifyingAttributes] } },
        { projection: { personaId: 1, key: 1, value: 1 }, batchSize: BUILD_BATCH },
      )) {
      const id = attribute.personaId.toHexString();
      attributes.set(id, [...(attributes.get(id) ?? []), { key: attribute.key, value: attribute.value }]);
    }
  }
  const holders = new Map<string, number>();
  let pending: PersonaKeysDoc[] = [];
  const emit = async (id: ObjectId, identifiers: IdentifierDoc['ifi'][]) => {
    const hex = id.toHexString();
    if (!names.has(hex)) return;
    const matchKeys = matchKeysOf({ name: names.get(hex), identifiers, attributes: attributes.get(hex) ?? [] }, identifyingAttributes);
    names.delete(hex);
    if (matchKeys.length === 0) return;
    for (const { key } of matchKeys) holders.set(key, (holders.get(key) ?? 0) + 1);
    pending.push(...keyDocumentsOf(organisation, id, matchKeys));
    if (pending.length >= BUILD_BATCH) {
      await insertManyIgnoringDuplicates(keysOf(store), pending);
      pending = [];
    }
  };
  const count = names.size;
  let current: { id: ObjectId; identifiers: IdentifierDoc['ifi'][] } | null = null;
  for await (const identifier of store
    .collection<IdentifierDoc>(COLLECTIONS.identifiers)
    .iterate({ organisation }, { projection: { persona: 1, ifi: 1 }, sort: { organisation: 1, persona: 1 }, batchSize: BUILD_BATCH })) {
    if (current && !current.id.equals(identifier.persona)) {
      await emit(current.id, current.identifiers);
      current = null;
    }
    current ??= { id: identifier.persona, identifiers: [] };
    current.identifiers.push(identifier.ifi);
  }
  if (current) await emit(current.id, current.identifiers);
  // Personas without identifiers: their name and attributes only.
  for (const hex of [...names.keys()]) await emit(new ObjectId(hex), []);
  await insertManyIgnoringDuplicates(keysOf(store), pending);
  const sharedKeys = new Map<string, number>();
  for (const [key, held] of holders) if (held > 1) sharedKeys.set(key, held);
  return { personas: count, sharedKeys };
}

/**
 * Recomputes the keys of these personas from their current data (none for tombstones and missing personas) and
 * writes only the difference with what the index holds: a refresh that finds nothing changed writes nothing.
 * Answers the personas whose keys changed, and the keys as they are now.
 */
export async function reindexPersonas(
  store: Store,
  organisation: ObjectId,
  ids: ObjectId[],
  identifyingAttributes: ReadonlySet<string>,
): Promise<{ changed: ObjectId[]; current: DuplicateKeyDoc[] }> {
  if (ids.length === 0) return { changed: [], current: [] };
  const [current, held] = await Promise.all([
    computeKeys(store, organisation, ids, identifyingAttributes),
    keyDocumentsOfPersonas(store, organisation, ids),
  ]);
  const same = (a: PersonaKeysDoc[] = [], b: PersonaKeysDoc[] = []) =>
    JSON.stringify(a.map((doc) => [doc._id, doc.keys, doc.origins])) === JSON.stringify(b.map((doc) => [doc._id, doc.keys, doc.origins]));
  const heldByPersona = groupByPersona(held);
  const wantedByPersona = toDocs(organisation, current);
  const changed = ids.filter((id) => !same(heldByPersona.get(id.toHexString()), wantedByPersona.get(id.toHexString())));
  if (changed.length > 0) {
    // Each wanted document replaces its chunk in place, then the persona's chunks beyond them go: a reader never
    // sees a persona without its keys in between.
    const result = await keysOf(store).bulkWrite(
      changed.flatMap((id) => {
        const wanted = wantedByPersona.get(id.toHexString()) ?? [];
        return [
          ...wanted.map((doc) => ({ replaceOne: { filter: { _id: doc._id, organisation }, replacement: doc, upsert: true } })),
          { deleteMany: { filter: { organisation, persona: id, _id: { $nin: wanted.map((doc) => doc._id) } } } },
        ];
      }),
      { ordered: false },
    );
    // A duplicate key: a concurrent refresh inserted the same persona's keys first, from the same data.
    const failed = result.writeErrors.find((error) => error.code !== DUPLICATE_KEY_CODE);
    if (failed) throw new Error(`storing match keys failed: ${failed.errmsg}`);
  }
  return { changed, current };
}

export async function computeKeys(
  store: Store,
  organisation: ObjectId,
  ids: ObjectId[],
  identifyingAttributes: ReadonlySet<string>,
): Promise<DuplicateKeyDoc[]> {
  const [personas, identifiers, attributes] = await Promise.all([
    // Hinted: by primary key, whatever compound index also starts with `organisation` (see BY_ID).
    store
      .collection<PersonaDoc>(COLLECTIONS.personas)
      .find({ organisation, _id: { $in: ids } }, { projection: { _id: 1, name: 1, mergedInto: 1 }, ...BY_ID }),
    store
      .collection<IdentifierDoc>(COLLECTIONS.identifiers)
      .find({ organisation, persona: { $in: ids } }, { projection: { persona: 1, ifi: 1 } }),
    identifyingAttributes.size === 0
      ? Promise.resolve([] as AttributeDoc[])
      : store
          .collection<AttributeDoc>(COLLECTIONS.attributes)
          .find(
            { organisation, personaId: { $in: ids }, key: { $in: [...identifyingAttributes] } },
            { projection: { personaId: 1, key: 1, value: 1 } },
          ),
  ]);
  const facts = new Map(
    personas
      .filter((persona) => !persona.mergedInto)
      .map((persona) => [
        persona._id.toHexString(),
        {
          id: persona._id,
          name: persona.name,
          identifiers: [] as IdentifierDoc['ifi'][],
          attributes: [] as Array<{ key: string; value: unknown }>,
        },
      ]),
  );
  for (const identifier of identifiers) facts.get(identifier.persona.toHexString())?.identifiers.push(identifier.ifi);
  for (const attribute of attributes) facts.get(attribute.personaId.toHexString())?.attributes.push(attribute);
  const docs: DuplicateKeyDoc[] = [];
  for (const fact of facts.values()) {
    for (const { key, origin } of matchKeysOf(fact, identifyingAttributes)) docs.push({ organisation, persona: fact.id, key, origin });
  }
  return docs;
}
