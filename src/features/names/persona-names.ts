// The name history of personas: every name seen for a persona (statements, imports, the API) with how often and
// when first and last. One small document per (organisation, persona, name), written only with $inc/$min/$max
// upserts, so concurrent resolvers add up instead of overwriting each other. A merge moves nothing: the tombstone
// keeps its names and a live persona's history is its own plus its tombstones' (summed per name), so an undo gives
// the source back exactly its names and an erasure deletes the documents of the persona and its tombstones.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type PersonaDoc, type PersonaNameDoc } from '../../domain/model.ts';
import { type BulkOperation, type Store, isDuplicateKeyError } from '../../store/port.ts';

/** Distinct names kept per persona: the least recently seen go first, so no persona's history grows without bound. */
export const MAX_NAMES_PER_PERSONA = 100;

export interface NameSighting {
  persona: ObjectId;
  name: string;
  /** Times seen (the resolver sums a batch's occurrences into one sighting). */
  count: number;
  seenAt: Date;
}

export interface SeenName {
  name: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
}

const namesOf = (store: Store) => store.collection<PersonaNameDoc>(COLLECTIONS.names);

/**
 * Adds sightings in one unordered bulk upsert (sightings of one persona and name are summed first). Deferred flush:
 * the history is statistics, so it rides on the store's next flush (a process crash loses nothing: the write is
 * committed; only a machine crash before that flush may lose the last batch's counts). `maxNames` is the
 * per-persona bound (tests lower it).
 */
export async function recordNames(
  store: Store,
  organisation: ObjectId,
  sightings: NameSighting[],
  maxNames = MAX_NAMES_PER_PERSONA,
): Promise<void> {
  const summed = sumSightings(sightings);
  if (summed.length === 0) return;
  const operations: BulkOperation[] = summed.map((sighting) => ({
    updateOne: {
      filter: { organisation, persona: sighting.persona, name: sighting.name },
      update: { $inc: { count: sighting.count }, $min: { firstSeen: sighting.seenAt }, $max: { lastSeen: sighting.seenAt } },
      upsert: true,
    },
  }));
  const result = await namesOf(store).bulkWrite(operations, { ordered: false, deferFlush: true });
  const unexpected = result.writeErrors.find((error) => !isDuplicateKeyError(error));
  if (unexpected) throw new Error(`name history upsert failed: ${unexpected.errmsg}`);
  // Two upserts of a new name raced (MongoDB): the loser's retry now matches the winner's document and adds to it.
  const lost = result.writeErrors.map((error) => operations[error.index]);
  if (lost.length > 0) await namesOf(store).bulkWrite(lost, { ordered: false, deferFlush: true });
  const grown = new Map(
    Object.keys(result.upsertedIds)
      .map((index) => summed[Number(index)].persona)
      .map((id) => [id.toHexString(), id]),
  );
  if (grown.size > 0) await pruneNames(store, organisation, [...grown.values()], maxNames);
}

function sumSightings(sightings: NameSighting[]): NameSighting[] {
  const byKey = new Map<string, NameSighting>();
  for (const sighting of sightings) {
    const key = `${sighting.persona.toHexString()}|${sighting.name}`;
    const known = byKey.get(key);
    if (!known) byKey.set(key, { ...sighting });
    else {
      known.count += sighting.count;
      if (sighting.seenAt > known.seenAt) known.seenAt = sighting.seenAt;
    }
  }
  return [...byKey.values()];
}

/** Only personas that just gained a name can be over the bound: one aggregate counts theirs. */
async function pruneNames(store: Store, organisation: ObjectId, personas: ObjectId[], maxNames: number): Promise<void> {
  const over = await namesOf(store).aggregate<{ _id: ObjectId }>([
    { $match: { organisation, persona: { $in: personas } } },
    { $group: { _id: '$persona', names: { $sum: 1 } } },
    { $match: { names: { $gt: maxNames } } },
  ]);
  for (const { _id: persona } of over) {
    const names = await namesOf(store).find({ organisation, persona }, { projection: { _id: 1, lastSeen: 1 } });
    const stale = names
      .sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime() || b._id.toHexString().localeCompare(a._id.toHexString()))
      .slice(maxNames);
    await namesOf(store).deleteMany({ organisation, _id: { $in: stale.map((doc) => doc._id) } });
  }
}

/**
 * The names of a live persona and of the personas merged into it, summed per name, most recently seen first, at most
 * MAX_NAMES_PER_PERSONA.
 */
export async function seenNamesOf(store: Store, organisation: ObjectId, persona: ObjectId): Promise<SeenName[]> {
  return (await seenNamesOfPersonas(store, organisation, [persona])).get(persona.toHexString()) ?? [];
}

/** seenNamesOf for several live personas in three round trips (the name policy's batch path). Keyed by hex id. */
export async function seenNamesOfPersonas(store: Store, organisation: ObjectId, personas: ObjectId[]): Promise<Map<string, SeenName[]>> {
  const tombstones = await store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .find({ organisation, mergedInto: { $in: personas } }, { projection: { _id: 1, mergedInto: 1 } });
  const liveOf = new Map<string, string>(personas.map((id) => [id.toHexString(), id.toHexString()]));
  for (const tombstone of tombstones) liveOf.set(tombstone._id.toHexString(), tombstone.mergedInto!.toHexString());
  const documents = await namesOf(store).find({ organisation, persona: { $in: [...personas, ...tombstones.map((doc) => doc._id)] } });
  const byPersona = new Map<string, Map<string, SeenName>>();
  for (const doc of documents) {
    const live = liveOf.get(doc.persona.toHexString())!;
    const byName = byPersona.get(live) ?? new Map<string, SeenName>();
    byPersona.set(live, byName);
    const known = byName.get(doc.name);
    if (!known) byName.set(doc.name, { name: doc.name, count: doc.count, firstSeen: doc.firstSeen, lastSeen: doc.lastSeen });
    else {
      known.count += doc.count;
      if (doc.firstSeen < known.firstSeen) known.firstSeen = doc.firstSeen;
      if (doc.lastSeen > known.lastSeen) known.lastSeen = doc.lastSeen;
    }
  }
  return new Map(
    [...byPersona].map(([persona, byName]) => [
      persona,
      [...byName.values()]
        .sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime() || a.name.localeCompare(b.name))
        .slice(0, MAX_NAMES_PER_PERSONA),
    ]),
  );
}

export function seenNameView(seen: SeenName) {
  return { name: seen.name, count: seen.count, firstSeen: seen.firstSeen.toISOString(), lastSeen: seen.lastSeen.toISOString() };
}

/** Erasure: the name history of the given personas (a live one and its tombstones). */
export async function deleteNamesOf(store: Store, organisation: ObjectId, personas: ObjectId[]): Promise<number> {
  return (await namesOf(store).deleteMany({ organisation, persona: { $in: personas } })).deletedCount;
}
