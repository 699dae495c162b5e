// Batch find-or-create of identifiers and their personas, race-free without locks.
// Order of writes (each step idempotent, so a retry of the same batch repairs any crash between steps):
//   1. read the identifiers of the batch by canonical key;
//   2. for the missing ones choose a persona id (the email claim's owner for mbox/sha1, else a fresh id);
//   3. upsert the identifiers with $setOnInsert: the unique (organisation, canonicalKey) index makes exactly one
//      writer win; losers re-read and use the winner's persona;
//   4. read the personas; a missing one (its creator crashed or has not got there yet) is upserted by _id, so it is
//      created exactly once whoever gets there; a tombstone redirects to the persona it was merged into.
// Round trips grow with the number of batches, not statements. The writes of a batch do not wait for the disk one by
// one (deferFlush): the batch waits once, at the end, before its result is acknowledged.
import { ObjectId } from 'bson';
import { COLLECTIONS, type IdentifierDoc, type Ifi, type PersonaDoc } from '../../domain/model.ts';
import { type BulkOperation, type Collection, type Store, isDuplicateKeyError } from '../../store/port.ts';
import { lookupPersonaStates } from '../personas/persona-lookup.ts';
import { claimEmailPersonas, emailClaimKeys } from './email-claims.ts';
import type { IdentityCache } from './identity-cache.ts';

export interface IdentifierRequest {
  canonicalKey: string;
  ifi: Ifi;
  /** Name for a persona created for this identifier. */
  personaName: string;
}

export interface ResolvedIdentifier {
  identifierId: ObjectId;
  /** The live persona (a tombstone's target when the identifier's persona was merged away). */
  personaId: ObjectId;
  wasCreated: boolean;
}

export interface IdentifierResolution {
  byKey: Map<string, ResolvedIdentifier>;
  identifiersCreated: number;
  personasCreated: number;
  /** The personas this call created (its upserts won); `personasCreated` is their number. */
  createdPersonaIds: ObjectId[];
}

export interface IdentifierResolutionContext {
  store: Store;
  organisation: ObjectId;
  linkMboxSha1sum: boolean;
  now: Date;
  /** Answers identifiers read in earlier batches while the identity epoch is unchanged (identity-cache.ts). */
  cache?: IdentityCache;
}

interface StoredIdentifier {
  identifierId: ObjectId;
  personaId: ObjectId;
  wasCreated: boolean;
  /** Created here with a persona id generated here: that persona cannot exist yet, nor be a tombstone. */
  hasFreshPersona?: boolean;
}

export async function resolveIdentifiers(
  context: IdentifierResolutionContext,
  requests: IdentifierRequest[],
): Promise<IdentifierResolution> {
  const { cache, organisation } = context;
  if (!cache) return resolveFromStore(context, requests);
  // The epoch is read before the store is: an answer read after a change can only be remembered under a newer epoch.
  const epoch = await cache.sync();
  const hits = new Map<string, ResolvedIdentifier>();
  for (const request of requests) {
    const cached = cache.get(organisation, request.canonicalKey);
    if (cached) hits.set(request.canonicalKey, { ...cached, wasCreated: false });
  }
  const misses = requests.filter((request) => !hits.has(request.canonicalKey));
  if (misses.length === 0) return { byKey: hits, identifiersCreated: 0, personasCreated: 0, createdPersonaIds: [] };
  const resolution = await resolveFromStore(context, misses);
  for (const [key, identifier] of resolution.byKey) cache.remember(organisation, key, identifier, epoch);
  for (const [key, identifier] of hits) resolution.byKey.set(key, identifier);
  return resolution;
}

async function resolveFromStore(context: IdentifierResolutionContext, requests: IdentifierRequest[]): Promise<IdentifierResolution> {
  const identifiers = context.store.collection<IdentifierDoc>(COLLECTIONS.identifiers);
  const stored = await readIdentifiers(
    identifiers,
    context.organisation,
    requests.map((request) => request.canonicalKey),
  );
  const missing = requests.filter((request) => !stored.has(request.canonicalKey));
  let identifiersCreated = 0;
  if (missing.length > 0) {
    const { personas: proposedPersonas, isFresh } = await proposePersonas(context, missing);
    const created = await upsertIdentifiers(identifiers, context, missing, proposedPersonas, isFresh);
    identifiersCreated = created.size;
    for (const [key, value] of created) stored.set(key, value);
    const lost = missing.filter((request) => !created.has(request.canonicalKey)).map((request) => request.canonicalKey);
    for (const [key, value] of await readIdentifiers(identifiers, context.organisation, lost)) stored.set(key, value);
  }
  const { created: createdPersonaIds, wrote } = await settlePersonas(context, requests, stored);
  if (missing.length > 0 || wrote) await context.store.flush();
  const byKey = new Map<string, ResolvedIdentifier>();
  for (const request of requests) {
    const identifier = stored.get(request.canonicalKey);
    if (!identifier) throw new Error(`identifier ${request.canonicalKey} vanished while resolving`);
    byKey.set(request.canonicalKey, identifier);
  }
  return { byKey, identifiersCreated, personasCreated: createdPersonaIds.length, createdPersonaIds };
}

async function readIdentifiers(
  identifiers: Collection<IdentifierDoc>,
  organisation: ObjectId,
  keys: string[],
): Promise<Map<string, StoredIdentifier>> {
  const found = new Map<string, StoredIdentifier>();
  if (keys.length === 0) return found;
  const documents = await identifiers.find(
    { organisation, canonicalKey: { $in: keys } },
    { projection: { _id: 1, persona: 1, canonicalKey: 1 } },
  );
  for (const document of documents) {
    found.set(document.canonicalKey, { identifierId: document._id, personaId: document.persona, wasCreated: false });
  }
  return found;
}

/**
 * A persona id for each missing identifier: email identifiers share the persona that owns their address, the others
 * get a fresh id (`isFresh`).
 */
async function proposePersonas(
  context: IdentifierResolutionContext,
  missing: IdentifierRequest[],
): Promise<{ personas: ObjectId[]; isFresh: boolean[] }> {
  const personas = missing.map(() => new ObjectId());
  const isFresh = missing.map(() => true);
  if (!context.linkMboxSha1sum) return { personas, isFresh };
  const emailIndexes = missing.flatMap((request, index) => (emailClaimKeys(request.ifi).length > 0 ? [index] : []));
  if (emailIndexes.length === 0) return { personas, isFresh };
  const owners = await claimEmailPersonas(
    context.store,
    context.organisation,
    emailIndexes.map((index) => emailClaimKeys(missing[index].ifi)),
    context.now,
  );
  emailIndexes.forEach((missingIndex, position) => {
    personas[missingIndex] = owners[position];
    isFresh[missingIndex] = false;
  });
  return { personas, isFresh };
}

async function upsertIdentifiers(
  identifiers: Collection<IdentifierDoc>,
  context: IdentifierResolutionContext,
  missing: IdentifierRequest[],
  personas: ObjectId[],
  isFresh: boolean[],
): Promise<Map<string, StoredIdentifier>> {
  const operations: BulkOperation[] = missing.map((request, index) => ({
    updateOne: {
      filter: { organisation: context.organisation, canonicalKey: request.canonicalKey },
      update: {
        $setOnInsert: { ifi: request.ifi, persona: personas[index], locked: false, createdAt: context.now, updatedAt: context.now },
      },
      upsert: true,
    },
  }));
  const result = await identifiers.bulkWrite(operations, { ordered: false, deferFlush: true });
  const unexpected = result.writeErrors.find((error) => !isDuplicateKeyError(error));
  if (unexpected) throw new Error(`identifier upsert failed: ${unexpected.errmsg}`);
  const created = new Map<string, StoredIdentifier>();
  for (const [index, id] of Object.entries(result.upsertedIds)) {
    const position = Number(index);
    created.set(missing[position].canonicalKey, {
      identifierId: id as ObjectId,
      personaId: personas[position],
      wasCreated: true,
      hasFreshPersona: isFresh[position],
    });
  }
  return created;
}

/**
 * Makes every identifier's persona exist and replaces tombstoned personas by their targets. Returns the ids of the
 * personas this call created: the upserts that inserted (a concurrent resolver that got there first matched instead).
 */
async function settlePersonas(
  context: IdentifierResolutionContext,
  requests: IdentifierRequest[],
  stored: Map<string, StoredIdentifier>,
): Promise<{ created: ObjectId[]; wrote: boolean }> {
  const nameByPersona = new Map<string, { id: ObjectId; name: string; isFresh: boolean }>();
  for (const request of requests) {
    const identifier = stored.get(request.canonicalKey)!;
    const hex = identifier.personaId.toHexString();
    if (!nameByPersona.has(hex))
      nameByPersona.set(hex, { id: identifier.personaId, name: request.personaName, isFresh: identifier.hasFreshPersona === true });
  }
  // Fresh personas need no lookup: they are absent by construction (the upsert below still arbitrates).
  const ids = [...nameByPersona.values()].filter((entry) => !entry.isFresh).map((entry) => entry.id);
  const states = await lookupPersonaStates(context.store, context.organisation, ids);
  const absent = [...nameByPersona.entries()].filter(([hex]) => !states.has(hex)).map(([, entry]) => entry);
  const created: ObjectId[] = [];
  if (absent.length > 0) {
    const operations: BulkOperation[] = absent.map((entry) => ({
      updateOne: {
        filter: { _id: entry.id, organisation: context.organisation },
        update: {
          $setOnInsert: {
            name: entry.name,
            active: true,
            createdAt: context.now,
            updatedAt: context.now,
            createdBy: 'resolver',
            updatedBy: 'resolver',
          } satisfies Partial<PersonaDoc>,
        },
        upsert: true,
      },
    }));
    const result = await context.store
      .collection<PersonaDoc>(COLLECTIONS.personas)
      .bulkWrite(operations, { ordered: false, deferFlush: true });
    const unexpected = result.writeErrors.find((error) => !isDuplicateKeyError(error));
    if (unexpected) throw new Error(`persona upsert failed: ${unexpected.errmsg}`);
    for (const index of Object.keys(result.upsertedIds)) created.push(absent[Number(index)].id);
  }
  const redirected = await redirectFromTombstones(context, stored, states);
  return { created, wrote: absent.length > 0 || redirected };
}

/** Identifiers still on a tombstone answer with its target and are moved there (a merge may have swept before they were created). */
async function redirectFromTombstones(
  context: IdentifierResolutionContext,
  stored: Map<string, StoredIdentifier>,
  states: Map<string, { liveId: ObjectId; isTombstone: boolean }>,
): Promise<boolean> {
  const moves: BulkOperation[] = [];
  for (const identifier of stored.values()) {
    const state = states.get(identifier.personaId.toHexString());
    if (!state?.isTombstone) continue;
    moves.push({
      updateOne: {
        filter: { _id: identifier.identifierId, organisation: context.organisation, persona: identifier.personaId },
        update: { $set: { persona: state.liveId, updatedAt: context.now } },
      },
    });
    identifier.personaId = state.liveId;
  }
  if (moves.length > 0) await context.store.collection(COLLECTIONS.identifiers).bulkWrite(moves, { ordered: false, deferFlush: true });
  return moves.length > 0;
}
