// Applies the organisation's name policy to personas: each live, unpinned persona whose seen names make the policy
// pick another name is renamed, and the rename is announced like an API rename (statement write-back re-stamps
// `person.display`). The write is conditional on the name read, and an API rename pins, so a concurrent rename wins.
import type { ObjectId } from 'bson';
import { chooseDisplayName, type NamePolicy } from '../../domain/name-policy.ts';
import { COLLECTIONS, type PersonaDoc } from '../../domain/model.ts';
import { iterateInPages } from '../../store/iterate-in-pages.ts';
import type { Store } from '../../store/port.ts';
import { seenNamesOfPersonas } from './persona-names.ts';

export type OnRenamed = (persona: PersonaDoc) => Promise<void>;

export interface NamePolicyRun {
  store: Store;
  organisation: ObjectId;
  policy: NamePolicy;
  onRenamed?: OnRenamed;
}

/** The given personas (the resolver: those whose names a batch just recorded). Returns how many were renamed. */
export async function applyNamePolicy(run: NamePolicyRun, personaIds: ObjectId[]): Promise<number> {
  if (run.policy === 'manual' || personaIds.length === 0) return 0;
  const personas = await run.store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .find(
      { organisation: run.organisation, _id: { $in: personaIds }, mergedInto: { $exists: false }, namePinned: { $ne: true } },
      { projection: { _id: 1, name: 1 } },
    );
  return renameByPolicy(run, personas);
}

/** Every live persona of the organisation (a policy change), a page at a time. */
export async function applyNamePolicyToOrganisation(run: NamePolicyRun, pageSize = 500): Promise<number> {
  if (run.policy === 'manual') return 0;
  const filter = { organisation: run.organisation, mergedInto: { $exists: false }, namePinned: { $ne: true } };
  let renamed = 0;
  let page: PersonaDoc[] = [];
  for await (const persona of iterateInPages(run.store.collection<PersonaDoc>(COLLECTIONS.personas), filter, {
    sort: { _id: 1 },
    pageSize,
  })) {
    page.push(persona);
    if (page.length < pageSize) continue;
    renamed += await renameByPolicy(run, page);
    page = [];
  }
  return renamed + (await renameByPolicy(run, page));
}

async function renameByPolicy(run: NamePolicyRun, personas: Array<Pick<PersonaDoc, '_id' | 'name'>>): Promise<number> {
  if (personas.length === 0) return 0;
  const names = await seenNamesOfPersonas(
    run.store,
    run.organisation,
    personas.map((persona) => persona._id),
  );
  let renamed = 0;
  for (const persona of personas) {
    const chosen = chooseDisplayName(run.policy, names.get(persona._id.toHexString()) ?? []);
    if (chosen === null || chosen === persona.name) continue;
    const updated = await run.store
      .collection<PersonaDoc>(COLLECTIONS.personas)
      .findOneAndUpdate(
        { _id: persona._id, organisation: run.organisation, name: persona.name, mergedInto: { $exists: false }, namePinned: { $ne: true } },
        { $set: { name: chosen, updatedAt: new Date(), updatedBy: 'name-policy' } },
        { returnDocument: 'after' },
      );
    if (!updated) continue;
    renamed += 1;
    if (run.onRenamed) await run.onRenamed(updated);
  }
  return renamed;
}
