// The one place where a persona id is turned into the live persona it stands for. A merged persona stays as a
// tombstone with `mergedInto` (merges keep chains one hop long), so following a redirect is a single lookup here;
// every caller (resolver, HTTP reads, merges) goes through these functions.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type PersonaDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';

export interface PersonaState {
  /** The persona itself when live, or the target of its tombstone. */
  liveId: ObjectId;
  isTombstone: boolean;
}

/**
 * Looks up personas by id within one organisation. The map has an entry for every id that exists (live or tombstone);
 * an id without an entry does not exist (never created, not yet created by an interrupted writer, or deleted).
 */
export async function lookupPersonaStates(store: Store, organisation: ObjectId, ids: ObjectId[]): Promise<Map<string, PersonaState>> {
  const states = new Map<string, PersonaState>();
  if (ids.length === 0) return states;
  const personas = await store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .find({ _id: { $in: ids }, organisation }, { projection: { _id: 1, mergedInto: 1 } });
  for (const persona of personas) {
    states.set(
      persona._id.toHexString(),
      persona.mergedInto ? { liveId: persona.mergedInto, isTombstone: true } : { liveId: persona._id, isTombstone: false },
    );
  }
  return states;
}

/** The live persona an id stands for (itself, or the target of its tombstone), or null when it does not exist. */
export async function resolveLivePersonaId(store: Store, organisation: ObjectId, id: ObjectId): Promise<ObjectId | null> {
  const state = (await lookupPersonaStates(store, organisation, [id])).get(id.toHexString());
  return state ? state.liveId : null;
}
