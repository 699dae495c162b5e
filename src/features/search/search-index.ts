// The search index: one document per (persona, token) in collection personaSearchTokens, so a term is an index
// range (organisation, token, persona) on either adapter (no text index, the same results on the embedded store and
// on MongoDB). It follows every write path the way the duplicate index does (duplicate-changes.ts): before a search
// reads it, the personas whose persona document, identifiers or attributes were written since the last refresh (or
// that a merge or undo names) get their tokens recomputed and only the difference is written. So the resolver,
// imports, renames, name policies, merges, undos, moves, erasure and the Learning Locker surfaces need no hook of
// their own. Deletions are not followed: every candidate is checked against its live data on the way out (search-page.ts).
import { ObjectId } from 'bson';
import { COLLECTIONS, type IdentifierDoc, type PersonaDoc } from '../../domain/model.ts';
import type { IndexDefinition } from '../../store/indexes.ts';
import { insertManyIgnoringDuplicates, type Collection, type Store } from '../../store/port.ts';
import { isTokenDue, personasChangedSince } from '../duplicates/duplicate-changes.ts';
import { BY_ID } from '../duplicates/duplicate-index.ts';
import { tokensOf } from './search-tokens.ts';

export const SEARCH_TOKENS_COLLECTION = 'personaSearchTokens';
export const SEARCH_STATE_COLLECTION = 'personaSearchIndexState';

/** Bumped when tokens change meaning: an organisation indexed in another format is rebuilt. */
const INDEX_FORMAT = 1;
const CHUNK = 1000;
/** Documents per read and per insert of a whole build (fewer, larger transactions). */
const BUILD_BATCH = 20_000;

export interface SearchTokenDoc {
  _id: ObjectId;
  organisation: ObjectId;
  token: string;
  persona: ObjectId;
}

export const SEARCH_INDEXES: IndexDefinition[] = [
  // A term: a range of tokens, then the personas holding one in id order.
  { collection: SEARCH_TOKENS_COLLECTION, keys: { organisation: 1, token: 1, persona: 1 }, options: { unique: true } },
  // A persona's tokens: its refresh, and checking the other terms of a query.
  { collection: SEARCH_TOKENS_COLLECTION, keys: { organisation: 1, persona: 1 } },
];

export const tokensCollection = (store: Store): Collection<SearchTokenDoc> => store.collection<SearchTokenDoc>(SEARCH_TOKENS_COLLECTION);

const PERSONA_FIELDS = { projection: { _id: 1, name: 1, 'profile.tagline': 1, mergedInto: 1 } } as const;

/** The live tokens of these personas, from their current data (none for tombstones and missing personas). */
export async function liveTokensOf(store: Store, organisation: ObjectId, ids: ObjectId[]): Promise<Map<string, string[]>> {
  const tokens = new Map<string, string[]>();
  if (ids.length === 0) return tokens;
  const [personas, identifiers] = await Promise.all([
    store.collection<PersonaDoc>(COLLECTIONS.personas).find({ organisation, _id: { $in: ids } }, { ...PERSONA_FIELDS, ...BY_ID }),
    store
      .collection<IdentifierDoc>(COLLECTIONS.identifiers)
      .find({ organisation, persona: { $in: ids } }, { projection: { persona: 1, ifi: 1 } }),
  ]);
  const ifis = new Map<string, IdentifierDoc['ifi'][]>();
  for (const identifier of identifiers) {
    const hex = identifier.persona.toHexString();
    ifis.set(hex, [...(ifis.get(hex) ?? []), identifier.ifi]);
  }
  for (const persona of personas) {
    if (persona.mergedInto) continue;
    const hex = persona._id.toHexString();
    tokens.set(hex, tokensOf({ name: persona.name, tagline: persona.profile?.tagline, identifiers: ifis.get(hex) ?? [] }));
  }
  return tokens;
}

/** Recomputes these personas' tokens and writes only the difference with what the index holds. */
export async function reindexSearchTokens(store: Store, organisation: ObjectId, ids: ObjectId[]): Promise<void> {
  if (ids.length === 0) return;
  const [live, held] = await Promise.all([
    liveTokensOf(store, organisation, ids),
    tokensCollection(store).find({ organisation, persona: { $in: ids } }, { projection: { _id: 1, persona: 1, token: 1 } }),
  ]);
  const heldKeys = new Set(held.map((doc) => `${doc.persona.toHexString()} ${doc.token}`));
  const stale = held.filter((doc) => !live.get(doc.persona.toHexString())?.includes(doc.token)).map((doc) => doc._id);
  const missing: SearchTokenDoc[] = [];
  for (const id of ids) {
    for (const token of live.get(id.toHexString()) ?? []) {
      if (!heldKeys.has(`${id.toHexString()} ${token}`)) missing.push({ _id: new ObjectId(), organisation, token, persona: id });
    }
  }
  if (stale.length > 0) await tokensCollection(store).deleteMany({ organisation, _id: { $in: stale } });
  // A concurrent refresh may have written the same token: the unique index keeps one.
  await insertManyIgnoringDuplicates(tokensCollection(store), missing);
}

/**
 * The first build of an organisation's index in sequential reads: live personas' names and taglines (held in memory),
 * then identifiers in persona order, so each persona's tokens are written at once, in large inserts.
 */
async function buildWholeIndex(store: Store, organisation: ObjectId): Promise<number> {
  const texts = new Map<string, { name: unknown; tagline: unknown }>();
  for await (const persona of store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .iterate({ organisation }, { ...PERSONA_FIELDS, batchSize: BUILD_BATCH })) {
    if (!persona.mergedInto) texts.set(persona._id.toHexString(), { name: persona.name, tagline: persona.profile?.tagline });
  }
  const count = texts.size;
  let pending: SearchTokenDoc[] = [];
  const emit = async (hex: string, identifiers: IdentifierDoc['ifi'][]) => {
    const text = texts.get(hex);
    if (!text) return;
    texts.delete(hex);
    const persona = new ObjectId(hex);
    for (const token of tokensOf({ name: text.name as string | null, tagline: text.tagline, identifiers })) {
      pending.push({ _id: new ObjectId(), organisation, token, persona });
    }
    if (pending.length >= BUILD_BATCH) {
      await insertManyIgnoringDuplicates(tokensCollection(store), pending);
      pending = [];
    }
  };
  let current: { hex: string; identifiers: IdentifierDoc['ifi'][] } | null = null;
  for await (const identifier of store
    .collection<IdentifierDoc>(COLLECTIONS.identifiers)
    .iterate({ organisation }, { projection: { persona: 1, ifi: 1 }, sort: { organisation: 1, persona: 1 }, batchSize: BUILD_BATCH })) {
    const hex = identifier.persona.toHexString();
    if (current && current.hex !== hex) {
      await emit(current.hex, current.identifiers);
      current = null;
    }
    current ??= { hex, identifiers: [] };
    current.identifiers.push(identifier.ifi);
  }
  if (current) await emit(current.hex, current.identifiers);
  for (const hex of [...texts.keys()]) await emit(hex, []);
  await insertManyIgnoringDuplicates(tokensCollection(store), pending);
  return count;
}

/** Brings an organisation's index up to date (whole build the first time); answers how many personas it looked at. */
export async function refreshSearchIndex(store: Store, organisation: ObjectId): Promise<number> {
  const state = store.collection(SEARCH_STATE_COLLECTION);
  const previous = await state.findOne({ _id: organisation });
  // A state without a change token was written by a version that followed changes by their timestamps.
  const isStale = !previous || previous.format !== INDEX_FORMAT || typeof previous.changeToken !== 'string';
  const changes = isStale ? null : await personasChangedSince(store, organisation, previous.changeToken as string);
  let looked: number;
  let changeToken: string;
  // historyLost: the store no longer holds the changes after the stored position; only a full scan is sure to see them.
  if (!changes || changes.historyLost) {
    // Taken before the scan: a write the scan misses comes after it, so the next refresh sees it.
    changeToken = await store.changeToken();
    await tokensCollection(store).deleteMany({ organisation });
    looked = await buildWholeIndex(store, organisation);
  } else {
    // Nothing to index; the state is written only now and then (a state write is a flushed commit per request).
    if (changes.touched.length === 0 && !isTokenDue(previous)) return 0;
    for (let start = 0; start < changes.touched.length; start += CHUNK) {
      await reindexSearchTokens(store, organisation, changes.touched.slice(start, start + CHUNK));
    }
    looked = changes.touched.length;
    changeToken = changes.token;
  }
  await state.updateOne(
    { _id: organisation },
    { $set: { changeToken, changeTokenSavedAt: new Date(), format: INDEX_FORMAT }, $unset: { watermark: '', overlapDigest: '' } },
    { upsert: true },
  );
  return looked;
}

/**
 * Refreshes coalesced per organisation in this process: a caller joins the refresh that has not started yet, or
 * queues one behind the running one (which may have started before the caller's own write and so not see it).
 */
export function createSearchRefresher(store: Store): (organisation: ObjectId) => Promise<void> {
  const running = new Map<string, Promise<unknown>>();
  const queued = new Map<string, Promise<void>>();
  return (organisation) => {
    const key = organisation.toHexString();
    const waiting = queued.get(key);
    if (waiting) return waiting;
    const before = running.get(key) ?? Promise.resolve();
    const next = before
      .catch(() => {})
      .then(async () => {
        queued.delete(key);
        const run = refreshSearchIndex(store, organisation);
        running.set(key, run);
        try {
          await run;
        } finally {
          if (running.get(key) === run) running.delete(key);
        }
      });
    queued.set(key, next);
    return next;
  };
}

/** `persona migrate`: brings every organisation's index up to date (a whole build where there is none yet). */
export async function refreshEverySearchIndex(
  store: Store,
  onOrganisation?: (organisation: ObjectId, personas: number) => void,
): Promise<number> {
  let organisations = 0;
  for await (const organisation of store.collection(COLLECTIONS.organisations).iterate({}, { projection: { _id: 1 } })) {
    const personas = await refreshSearchIndex(store, organisation._id as ObjectId);
    onOrganisation?.(organisation._id as ObjectId, personas);
    organisations += 1;
  }
  return organisations;
}
