// The identity invariants `persona doctor` checks, over the storage port (so on MongoDB too):
// - every identifier names a persona of its organisation (else `identifier.orphan`: a resolver crashed between the
//   identifier and the persona upsert; repaired as the next resolution would, by creating the persona);
// - no identifier sits on a tombstone (`identifier.on_tombstone`: repaired as the resolver does, by moving it to the
//   live end of the tombstone chain);
// - one identifier per (organisation, canonicalKey) (`identifier.duplicate`: which one is right is a decision, report);
// - every tombstone chain ends at a live persona of its organisation (`tombstone.broken_chain`: report);
// - one attribute per (organisation, persona, key) (`attribute.duplicate_key`: repaired as `persona migrate` does,
//   keeping the newest).
// Documents are read in `_id` order, identifiers once more in canonical-key order and attributes in key order (the
// duplicates of a key are then adjacent: one group in memory); personas are held as a map of ids (tens of bytes each).
import type { ObjectId } from 'bson';
import { COLLECTIONS, type AttributeDoc, type IdentifierDoc, type PersonaDoc } from '../../domain/model.ts';
import { duplicateAttributeGroups } from '../attributes/duplicate-attributes.ts';
import type { Store } from '../../store/port.ts';
import type { DoctorProblem } from './doctor-problem.ts';

const DOCTOR_ACTOR = 'doctor';
const slot = (organisation: ObjectId, id: ObjectId | string) => `${organisation.toHexString()}/${String(id)}`;

type ChainEnd = { live: ObjectId } | { broken: string };

class PersonaMap {
  /** organisation/persona → the persona it was merged into (null: live). */
  private readonly mergedInto = new Map<string, ObjectId | null>();

  add(persona: Pick<PersonaDoc, '_id' | 'organisation' | 'mergedInto'>): void {
    this.mergedInto.set(slot(persona.organisation, persona._id), persona.mergedInto ?? null);
  }

  has(organisation: ObjectId, id: ObjectId): boolean {
    return this.mergedInto.has(slot(organisation, id));
  }

  isTombstone(organisation: ObjectId, id: ObjectId): boolean {
    return Boolean(this.mergedInto.get(slot(organisation, id)));
  }

  /** Follows `mergedInto` from a persona to the live one it ends at, within the organisation. */
  liveEnd(organisation: ObjectId, id: ObjectId): ChainEnd {
    const seen = new Set<string>();
    let current = id;
    for (;;) {
      const key = slot(organisation, current);
      if (seen.has(key)) return { broken: `tombstone chain loops at ${current.toHexString()}` };
      seen.add(key);
      const next = this.mergedInto.get(key);
      if (next === undefined)
        return { broken: `tombstone chain reaches ${current.toHexString()}, which does not exist in the organisation` };
      if (next === null) return { live: current };
      current = next;
    }
  }
}

async function readPersonas(store: Store): Promise<PersonaMap> {
  const personas = new PersonaMap();
  const projection = { organisation: 1, mergedInto: 1 } as const;
  for await (const persona of store.collection<PersonaDoc>(COLLECTIONS.personas).iterate({}, { sort: { _id: 1 }, projection }))
    personas.add(persona);
  return personas;
}

function checkTombstoneChains(
  personaDocs: Array<Pick<PersonaDoc, '_id' | 'organisation' | 'mergedInto'>>,
  personas: PersonaMap,
): DoctorProblem[] {
  return personaDocs.flatMap((persona) => {
    const end = personas.liveEnd(persona.organisation, persona._id);
    return 'broken' in end
      ? [
          {
            code: 'tombstone.broken_chain',
            collection: COLLECTIONS.personas,
            id: persona._id.toHexString(),
            organisation: persona.organisation.toHexString(),
            message: end.broken,
            repaired: false,
          } satisfies DoctorProblem,
        ]
      : [];
  });
}

const CANONICAL_KEY_ORDER = { organisation: 1, canonicalKey: 1 } as const;

const duplicateOf = (identifier: Pick<IdentifierDoc, '_id' | 'organisation'>, owner: ObjectId): DoctorProblem => ({
  collection: COLLECTIONS.identifiers,
  id: identifier._id.toHexString(),
  organisation: identifier.organisation.toHexString(),
  code: 'identifier.duplicate',
  message: `same canonical key as identifier ${owner.toHexString()}`,
  repaired: false,
});

/**
 * Identifiers sharing an (organisation, canonicalKey): walked in the order of that unique index, so the copies of a
 * key are adjacent and only the previous identifier is held. A store that lost the index sorts the same way (the
 * copies then follow the first, by _id). `walked` lets the caller see whether the index missed documents.
 */
async function checkDuplicateIdentifiers(store: Store): Promise<{ problems: DoctorProblem[]; walked: number }> {
  const problems: DoctorProblem[] = [];
  let previous: Pick<IdentifierDoc, '_id' | 'organisation' | 'canonicalKey'> | null = null;
  let walked = 0;
  const projection = { organisation: 1, canonicalKey: 1 } as const;
  for await (const identifier of store
    .collection<IdentifierDoc>(COLLECTIONS.identifiers)
    .iterate({}, { sort: CANONICAL_KEY_ORDER, projection })) {
    walked += 1;
    const isCopy =
      previous !== null && previous.organisation.equals(identifier.organisation) && previous.canonicalKey === identifier.canonicalKey;
    if (isCopy) problems.push(duplicateOf(identifier, previous!._id));
    else previous = identifier;
  }
  return { problems, walked };
}

/**
 * When the index walk saw fewer identifiers than there are (a document written below the engine, missing from the
 * index): each identifier is looked up by its key, and one that is not the document the index holds is its copy.
 */
async function checkCopiesMissingFromIndex(store: Store): Promise<DoctorProblem[]> {
  const collection = store.collection<IdentifierDoc>(COLLECTIONS.identifiers);
  const problems: DoctorProblem[] = [];
  for await (const identifier of collection.iterate({}, { sort: { _id: 1 }, projection: { organisation: 1, canonicalKey: 1 } })) {
    const indexed = await collection.findOne(
      { organisation: identifier.organisation, canonicalKey: identifier.canonicalKey },
      { projection: { _id: 1 } },
    );
    if (indexed && !indexed._id.equals(identifier._id)) problems.push(duplicateOf(identifier, indexed._id));
  }
  return problems;
}

/** Orphans and identifiers on tombstones, in _id order; answers how many identifiers there are. */
async function checkIdentifierPersonas(
  store: Store,
  personas: PersonaMap,
  repair: boolean,
): Promise<{ problems: DoctorProblem[]; identifiers: number }> {
  const collection = store.collection<IdentifierDoc>(COLLECTIONS.identifiers);
  const problems: DoctorProblem[] = [];
  let identifiers = 0;
  const now = new Date();
  const projection = { organisation: 1, persona: 1, canonicalKey: 1 } as const;
  for await (const identifier of collection.iterate({}, { sort: { _id: 1 }, projection })) {
    identifiers += 1;
    const where = { collection: collection.name, id: identifier._id.toHexString(), organisation: identifier.organisation.toHexString() };
    if (!personas.has(identifier.organisation, identifier.persona)) {
      if (repair) {
        await store.collection<PersonaDoc>(COLLECTIONS.personas).updateOne(
          { _id: identifier.persona, organisation: identifier.organisation },
          {
            $setOnInsert: { name: null, active: true, createdAt: now, updatedAt: now, createdBy: DOCTOR_ACTOR, updatedBy: DOCTOR_ACTOR },
          },
          { upsert: true },
        );
        personas.add({ _id: identifier.persona, organisation: identifier.organisation });
      }
      problems.push({
        ...where,
        code: 'identifier.orphan',
        message: `names persona ${identifier.persona.toHexString()}, which does not exist`,
        repaired: repair,
      });
      continue;
    }
    if (!personas.isTombstone(identifier.organisation, identifier.persona)) continue;
    const end = personas.liveEnd(identifier.organisation, identifier.persona);
    const canMove = repair && 'live' in end;
    if (canMove) {
      await collection.updateOne(
        { _id: identifier._id, organisation: identifier.organisation, persona: identifier.persona },
        { $set: { persona: end.live, updatedAt: now } },
      );
    }
    const message = `on tombstone ${identifier.persona.toHexString()}${'live' in end ? ` (its chain ends at ${end.live.toHexString()})` : `: ${end.broken}`}`;
    problems.push({ ...where, code: 'identifier.on_tombstone', message, repaired: canMove });
  }
  return { problems, identifiers };
}

async function checkIdentifiers(store: Store, personas: PersonaMap, repair: boolean): Promise<DoctorProblem[]> {
  const { problems, identifiers } = await checkIdentifierPersonas(store, personas, repair);
  const duplicates = await checkDuplicateIdentifiers(store);
  const copies = duplicates.walked < identifiers ? await checkCopiesMissingFromIndex(store) : duplicates.problems;
  return [...problems, ...copies];
}

/** The shared walk of duplicate attributes (features/attributes), one group in memory at a time. */
async function checkAttributeKeys(store: Store, repair: boolean): Promise<DoctorProblem[]> {
  const collection = store.collection<AttributeDoc>(COLLECTIONS.attributes);
  const problems: DoctorProblem[] = [];
  for await (const { kept, removed } of duplicateAttributeGroups(collection)) {
    if (repair) await collection.deleteMany({ organisation: kept.organisation, _id: { $in: removed.map((attribute) => attribute._id) } });
    for (const attribute of removed) {
      problems.push({
        code: 'attribute.duplicate_key',
        collection: collection.name,
        id: String(attribute._id),
        organisation: String(attribute.organisation),
        message: `persona ${String(attribute.personaId)} has key "${String(attribute.key)}" more than once; the newest is ${String(kept._id)}`,
        repaired: repair,
      });
    }
  }
  return problems;
}

export async function checkIdentity(store: Store, { repair }: { repair: boolean }): Promise<DoctorProblem[]> {
  const personas = await readPersonas(store);
  const tombstones = await store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .find({ mergedInto: { $exists: true } }, { projection: { organisation: 1, mergedInto: 1 } });
  return [
    ...checkTombstoneChains(tombstones, personas),
    ...(await checkIdentifiers(store, personas, repair)),
    ...(await checkAttributeKeys(store, repair)),
  ];
}
