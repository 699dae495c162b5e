// The identity invariants `persona doctor` checks, over the storage port (so on MongoDB too):
// - every identifier names a persona of its organisation (else `identifier.orphan`: a resolver crashed between the
//   identifier and the persona upsert; repaired as the next resolution would, by creating the persona);
// - no identifier sits on a tombstone (`identifier.on_tombstone`: repaired as the resolver does, by moving it to the
//   live end of the tombstone chain);
// - one identifier per (organisation, canonicalKey) (`identifier.duplicate`: which one is right is a decision, report);
// - every tombstone chain ends at a live persona of its organisation (`tombstone.broken_chain`: report);
// - one attribute per (organisation, persona, key) (`attribute.duplicate_key`: repaired as `persona migrate` does,
//   keeping the newest).
// Documents are read once each, in `_id` order; personas are held as a map of ids (tens of bytes each).
import type { ObjectId } from 'bson';
import { COLLECTIONS, type AttributeDoc, type IdentifierDoc, type PersonaDoc } from '../../domain/model.ts';
import { newestOf } from '../attributes/newest-attribute.ts';
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
      if (next === undefined) return { broken: `tombstone chain reaches ${current.toHexString()}, which does not exist in the organisation` };
      if (next === null) return { live: current };
      current = next;
    }
  }
}

async function readPersonas(store: Store): Promise<PersonaMap> {
  const personas = new PersonaMap();
  const projection = { organisation: 1, mergedInto: 1 } as const;
  for await (const persona of store.collection<PersonaDoc>(COLLECTIONS.personas).iterate({}, { sort: { _id: 1 }, projection })) personas.add(persona);
  return personas;
}

function checkTombstoneChains(personaDocs: Array<Pick<PersonaDoc, '_id' | 'organisation' | 'mergedInto'>>, personas: PersonaMap): DoctorProblem[] {
  return personaDocs.flatMap((persona) => {
    const end = personas.liveEnd(persona.organisation, persona._id);
    return 'broken' in end ? [{
      code: 'tombstone.broken_chain', collection: COLLECTIONS.personas, id: persona._id.toHexString(), organisation: persona.organisation.toHexString(), message: end.broken, repaired: false,
    } satisfies DoctorProblem] : [];
  });
}

async function checkIdentifiers(store: Store, personas: PersonaMap, repair: boolean): Promise<DoctorProblem[]> {
  const collection = store.collection<IdentifierDoc>(COLLECTIONS.identifiers);
  const problems: DoctorProblem[] = [];
  const owners = new Map<string, ObjectId>();
  const now = new Date();
  const projection = { organisation: 1, persona: 1, canonicalKey: 1 } as const;
  for await (const identifier of collection.iterate({}, { sort: { _id: 1 }, projection })) {
    const where = { collection: collection.name, id: identifier._id.toHexString(), organisation: identifier.organisation.toHexString() };
    const keySlot = slot(identifier.organisation, identifier.canonicalKey);
    const owner = owners.get(keySlot);
    if (owner) problems.push({ ...where, code: 'identifier.duplicate', message: `same canonical key as identifier ${owner.toHexString()}`, repaired: false });
    else owners.set(keySlot, identifier._id);
    if (!personas.has(identifier.organisation, identifier.persona)) {
      if (repair) {
        await store.collection<PersonaDoc>(COLLECTIONS.personas).updateOne(
          { _id: identifier.persona, organisation: identifier.organisation },
          { $setOnInsert: { name: null, active: true, createdAt: now, updatedAt: now, createdBy: DOCTOR_ACTOR, updatedBy: DOCTOR_ACTOR } },
          { upsert: true },
        );
        personas.add({ _id: identifier.persona, organisation: identifier.organisation });
      }
      problems.push({ ...where, code: 'identifier.orphan', message: `names persona ${identifier.persona.toHexString()}, which does not exist`, repaired: repair });
      continue;
    }
    if (!personas.isTombstone(identifier.organisation, identifier.persona)) continue;
    const end = personas.liveEnd(identifier.organisation, identifier.persona);
    const canMove = repair && 'live' in end;
    if (canMove) {
      await collection.updateOne({ _id: identifier._id, organisation: identifier.organisation, persona: identifier.persona }, { $set: { persona: end.live, updatedAt: now } });
    }
    const message = `on tombstone ${identifier.persona.toHexString()}${'live' in end ? ` (its chain ends at ${end.live.toHexString()})` : `: ${end.broken}`}`;
    problems.push({ ...where, code: 'identifier.on_tombstone', message, repaired: canMove });
  }
  return problems;
}

async function checkAttributeKeys(store: Store, repair: boolean): Promise<DoctorProblem[]> {
  const collection = store.collection<AttributeDoc>(COLLECTIONS.attributes);
  const groups = new Map<string, AttributeDoc[]>();
  const projection = { organisation: 1, personaId: 1, key: 1, createdAt: 1, updatedAt: 1 } as const;
  for await (const attribute of collection.iterate({}, { sort: { _id: 1 }, projection })) {
    const key = `${slot(attribute.organisation, attribute.personaId)}/${attribute.key}`;
    groups.set(key, [...(groups.get(key) ?? []), attribute]);
  }
  const problems: DoctorProblem[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const kept = newestOf(group) as AttributeDoc;
    const removed = group.filter((attribute) => attribute !== kept);
    if (repair) await collection.deleteMany({ organisation: kept.organisation, _id: { $in: removed.map((attribute) => attribute._id) } });
    for (const attribute of removed) {
      problems.push({
        code: 'attribute.duplicate_key', collection: collection.name, id: attribute._id.toHexString(), organisation: attribute.organisation.toHexString(),
        message: `persona ${attribute.personaId.toHexString()} has key "${attribute.key}" more than once; the newest is ${kept._id.toHexString()}`, repaired: repair,
      });
    }
  }
  return problems;
}

export async function checkIdentity(store: Store, { repair }: { repair: boolean }): Promise<DoctorProblem[]> {
  const personas = await readPersonas(store);
  const tombstones = await store.collection<PersonaDoc>(COLLECTIONS.personas).find({ mergedInto: { $exists: true } }, { projection: { organisation: 1, mergedInto: 1 } });
  return [
    ...checkTombstoneChains(tombstones, personas),
    ...await checkIdentifiers(store, personas, repair),
    ...await checkAttributeKeys(store, repair),
  ];
}
