// The pseudonym mapping (`personaPseudonyms`): each pseudonym handed out (exports, write-back stamps) is recorded
// with the persona or identifier it stands for and the key it was made with, so an authorised client can find who a
// pseudonym in a shared data set is (GET /v1/pseudonyms/{pseudonym}). Erasure deletes a persona's entries, so after
// it nothing links that persona's pseudonyms back to anybody. Recording is an unordered insert that ignores
// entries already there: the same pseudonym is always the same mapping while its key lasts.
import type { ObjectId } from 'bson';
import type { IndexDefinition } from '../../store/indexes.ts';
import { insertManyIgnoringDuplicates, type Store } from '../../store/port.ts';

export const PSEUDONYM_MAP_COLLECTION = 'personaPseudonyms';

export interface PseudonymEntry {
  /** The pseudonym itself. */
  _id: string;
  organisation: ObjectId;
  kind: 'persona' | 'identifier';
  persona: ObjectId;
  /** For an identifier pseudonym: the identifier (it may since have moved to another persona). */
  identifier?: ObjectId;
  keyId: string;
  issuedAt: Date;
}

export const PSEUDONYM_INDEXES: IndexDefinition[] = [
  // Erasure deletes by persona and by identifier; an organisation's disabling deletes by organisation.
  { collection: PSEUDONYM_MAP_COLLECTION, keys: { organisation: 1, persona: 1 } },
  { collection: PSEUDONYM_MAP_COLLECTION, keys: { organisation: 1, identifier: 1 }, options: { sparse: true } },
];

const mapOf = (store: Store) => store.collection<PseudonymEntry>(PSEUDONYM_MAP_COLLECTION);

export async function recordPseudonyms(store: Store, entries: PseudonymEntry[]): Promise<void> {
  await insertManyIgnoringDuplicates(mapOf(store), entries);
}

export function findPseudonym(store: Store, organisation: ObjectId, pseudonym: string): Promise<PseudonymEntry | null> {
  return mapOf(store).findOne({ _id: pseudonym, organisation });
}

/** Erasure: forgets every pseudonym of these personas and identifiers. */
export async function forgetPseudonymsOf(
  store: Store,
  organisation: ObjectId,
  personaIds: ObjectId[],
  identifierIds: ObjectId[],
): Promise<number> {
  const removed = await mapOf(store).deleteMany({
    organisation,
    $or: [{ persona: { $in: personaIds } }, { identifier: { $in: identifierIds } }],
  });
  return removed.deletedCount;
}

export async function forgetOrganisationPseudonyms(store: Store, organisation: ObjectId): Promise<void> {
  await mapOf(store).deleteMany({ organisation });
}
