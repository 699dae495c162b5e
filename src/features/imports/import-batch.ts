// Writes one batch of import rows, race-free in the resolver's way (no locks): read what exists, choose each row's
// persona, upsert email claims, then identifiers, then personas — every upsert `$setOnInsert`, so a concurrent
// resolver or import either wins (we re-read and use its choice) or loses. Learning Locker semantics (compat 7.3):
// the first identifier of a row decides its persona, a non-empty name renames it, attributes overwrite by key. Unlike
// LL, a row whose identifiers already belong to different personas is reported, and merged only when asked.
import { ObjectId } from 'bson';
import { COLLECTIONS, type Ifi, type PersonaDoc } from '../../domain/model.ts';
import { canonicalIdentifierKey } from '../../domain/xapi/index.ts';
import { insertManyIgnoringDuplicates, type BulkOperation, type Store, isDuplicateKeyError } from '../../store/port.ts';
import { readGuard } from '../identity-rules/guard.ts';
import { recordNames } from '../names/persona-names.ts';
import { lookupPersonaStates } from '../personas/persona-lookup.ts';
import { emailClaimKeys } from '../resolver/email-claims.ts';
import { recordBlockedIdentifiers } from '../identity-rules/blocked-tally.ts';
import { blockedRowError, heldIdentifiers } from './import-guard.ts';
import type { ImportRowPlan } from './import-mapping.ts';

export interface ImportRow {
  /** 1-based data row number (the header is row 0). */
  index: number;
  plan: ImportRowPlan;
}

export interface RowOutcome {
  index: number;
  status: 'created' | 'matched' | 'conflict' | 'error';
  personaId?: ObjectId;
  errors: string[];
  /** Other personas the row's identifiers belong to (conflicts; merged into personaId when asked). */
  others: ObjectId[];
  /** The row creates its persona. */
  isNewPersona?: boolean;
}

/**
 * A dry run's memory of what its earlier batches would have written (the store holds none of it): the persona each
 * new identifier and email claim would belong to, and the identifiers each persona would gain (for the limits).
 */
export interface DryRunPlan {
  owners: Map<string, ObjectId>;
  added: Map<string, Ifi[]>;
}

export const newDryRunPlan = (): DryRunPlan => ({ owners: new Map(), added: new Map() });

export interface ImportBatchOptions {
  mergeConflicts: boolean;
  actor: string;
  /** Plan every row as the import would, write nothing, and remember the plan here for the next batches. */
  dryRun?: DryRunPlan;
}

interface Planned {
  row: ImportRow;
  target: ObjectId;
  others: ObjectId[];
  keys: string[];
  toCreate: Array<{ key: string; ifi: Ifi }>;
  /** Email claims (sha1) no one holds yet: this row creates them. */
  claimsToCreate: string[];
  /** The row creates its persona (none of its identifiers existed, nor did an earlier row of the batch create it). */
  isNewPersona: boolean;
}

export async function writeImportBatch(
  store: Store,
  organisation: ObjectId,
  rows: ImportRow[],
  options: ImportBatchOptions,
): Promise<RowOutcome[]> {
  const { dryRun } = options;
  const outcomes: RowOutcome[] = [];
  const valid = rows.filter((row) => {
    if (row.plan.errors.length === 0) return true;
    outcomes.push({ index: row.index, status: 'error', errors: row.plan.errors, others: [] });
    return false;
  });
  const guard = await readGuard(store, organisation);
  let blockedCount = 0;
  const allowed = valid.filter((row) => {
    const refusal = blockedRowError(guard, row.plan.ifis);
    if (refusal) {
      outcomes.push({ index: row.index, status: 'error', errors: [refusal.error], others: [] });
      blockedCount += refusal.blocked;
    }
    return refusal === null;
  });
  // Identity health counts the refused identifiers of a real import (a dry run refuses nothing).
  if (!dryRun) await recordBlockedIdentifiers(store, organisation, blockedCount);
  const keyed = allowed.map((row) => ({ row, keys: row.plan.ifis.map((ifi) => canonicalIdentifierKey(ifi)) }));
  const owners = await readOwners(
    store,
    organisation,
    keyed.flatMap((entry) => entry.keys),
    keyed.flatMap((entry) => entry.row.plan.ifis.flatMap(emailClaimKeys)),
  );
  for (const [key, persona] of dryRun?.owners ?? []) if (!owners.has(key)) owners.set(key, persona);
  const held = await heldIdentifiers(
    store,
    organisation,
    guard,
    [...new Map([...owners.values()].map((id) => [id.toHexString(), id])).values()],
    dryRun?.added,
  );

  // Rows are planned in file order so that rows of one batch sharing a new identifier share its persona.
  const planned: Planned[] = [];
  for (const { row, keys } of keyed) {
    const candidates: ObjectId[] = [];
    row.plan.ifis.forEach((ifi, position) => {
      const owner =
        owners.get(keys[position]) ??
        emailClaimKeys(ifi)
          .map((sha1) => owners.get(`claim|${sha1}`))
          .find(Boolean);
      if (owner && !candidates.some((candidate) => candidate.equals(owner))) candidates.push(owner);
    });
    const isNewPersona = candidates.length === 0;
    const [target = new ObjectId(), ...others] = candidates;
    if (others.length > 0 && !options.mergeConflicts) {
      outcomes.push({
        index: row.index,
        status: 'conflict',
        personaId: target,
        others,
        errors: [`identifiers belong to different personas: ${[target, ...others].map((id) => id.toHexString()).join(', ')}`],
      });
      continue;
    }
    const toCreate = row.plan.ifis.flatMap((ifi, position) => (owners.has(keys[position]) ? [] : [{ key: keys[position], ifi }]));
    const breach = held.add(
      target,
      toCreate.map((entry) => entry.ifi),
    );
    if (breach) {
      outcomes.push({ index: row.index, status: 'error', personaId: isNewPersona ? undefined : target, others: [], errors: [breach] });
      continue;
    }
    const claimsToCreate: string[] = [];
    for (const { key, ifi } of toCreate) {
      owners.set(key, target);
      for (const sha1 of emailClaimKeys(ifi)) {
        if (owners.has(`claim|${sha1}`)) continue;
        owners.set(`claim|${sha1}`, target);
        claimsToCreate.push(sha1);
      }
    }
    planned.push({ row, target, others, keys, toCreate, claimsToCreate, isNewPersona });
  }
  if (dryRun) rememberPlan(dryRun, planned);
  else await writePlanned(store, organisation, planned, options.actor);
  for (const entry of planned) {
    outcomes.push({
      index: entry.row.index,
      status: entry.toCreate.length > 0 ? 'created' : 'matched',
      personaId: entry.target,
      errors: [],
      others: entry.others,
      isNewPersona: entry.isNewPersona,
    });
  }
  return outcomes.sort((a, b) => a.index - b.index);
}

function rememberPlan(plan: DryRunPlan, planned: Planned[]): void {
  for (const entry of planned) {
    for (const { key } of entry.toCreate) plan.owners.set(key, entry.target);
    for (const sha1 of entry.claimsToCreate) plan.owners.set(`claim|${sha1}`, entry.target);
    const id = entry.target.toHexString();
    if (entry.toCreate.length > 0) plan.added.set(id, [...(plan.added.get(id) ?? []), ...entry.toCreate.map(({ ifi }) => ifi)]);
  }
}

/** Live persona of each existing identifier (`<canonicalKey>`) and email claim (`claim|<sha1>`). */
async function readOwners(store: Store, organisation: ObjectId, keys: string[], sha1s: string[]): Promise<Map<string, ObjectId>> {
  const raw = new Map<string, ObjectId>();
  if (keys.length > 0) {
    for (const doc of await store
      .collection(COLLECTIONS.identifiers)
      .find({ organisation, canonicalKey: { $in: [...new Set(keys)] } }, { projection: { canonicalKey: 1, persona: 1 } })) {
      raw.set(doc.canonicalKey as string, doc.persona as ObjectId);
    }
  }
  if (sha1s.length > 0) {
    for (const doc of await store
      .collection(COLLECTIONS.emailClaims)
      .find({ organisation, sha1: { $in: [...new Set(sha1s)] } }, { projection: { sha1: 1, persona: 1 } })) {
      raw.set(`claim|${doc.sha1 as string}`, doc.persona as ObjectId);
    }
  }
  const states = await lookupPersonaStates(store, organisation, [...raw.values()]);
  const owners = new Map<string, ObjectId>();
  // An owner that no longer exists (erased) is no owner; a tombstone stands for its target.
  for (const [key, persona] of raw) {
    const state = states.get(persona.toHexString());
    if (state) owners.set(key, state.liveId);
    else if (!key.startsWith('claim|')) owners.set(key, persona);
  }
  return owners;
}

/**
 * Documents this batch knows to be new are inserted (unordered insertMany: one pass, no look-up per document, which
 * upserts cost); a duplicate key there is a lost race with a concurrent writer, whose document stands, exactly as
 * a `$setOnInsert` upsert would leave it. Existing personas and their attributes are updated by key.
 */
async function writePlanned(store: Store, organisation: ObjectId, planned: Planned[], actor: string): Promise<void> {
  const now = new Date();
  const claims = planned.flatMap((entry) =>
    entry.claimsToCreate.map((sha1) => ({ organisation, sha1, persona: entry.target, createdAt: now })),
  );
  const identifiers = planned.flatMap((entry) =>
    entry.toCreate.map(({ key, ifi }) => ({
      organisation,
      canonicalKey: key,
      ifi,
      persona: entry.target,
      locked: false,
      createdAt: now,
      updatedAt: now,
    })),
  );
  await insertManyIgnoringDuplicates(store.collection(COLLECTIONS.emailClaims), claims);
  await insertManyIgnoringDuplicates(store.collection(COLLECTIONS.identifiers), identifiers);

  const newPersonas: PersonaDoc[] = [];
  const personaOps: BulkOperation[] = [];
  const newAttributes: Record<string, unknown>[] = [];
  const attributeOps: BulkOperation[] = [];
  for (const entry of planned) {
    const { name, attributes } = entry.row.plan;
    if (entry.isNewPersona) {
      newPersonas.push({
        _id: entry.target,
        organisation,
        name: name ?? readableName(entry.row.plan.ifis[0]),
        active: true,
        createdAt: now,
        updatedAt: now,
        createdBy: actor,
        updatedBy: actor,
      } as PersonaDoc);
      for (const { key, value } of attributes)
        newAttributes.push({ organisation, personaId: entry.target, key, value, createdAt: now, updatedAt: now });
      continue;
    }
    personaOps.push({
      updateOne: {
        filter: { _id: entry.target, organisation },
        update: {
          $setOnInsert: {
            active: true,
            createdAt: now,
            createdBy: actor,
            ...(name ? {} : { name: readableName(entry.row.plan.ifis[0]) }),
          } satisfies Partial<PersonaDoc>,
          $set: { updatedAt: now, updatedBy: actor, ...(name ? { name } : {}) },
        },
        upsert: true,
      },
    });
    for (const { key, value } of attributes) {
      attributeOps.push({
        updateOne: {
          filter: { organisation, personaId: entry.target, key },
          update: { $set: { value, updatedAt: now }, $setOnInsert: { createdAt: now } },
          upsert: true,
        },
      });
    }
  }
  await insertManyIgnoringDuplicates(store.collection(COLLECTIONS.personas), newPersonas);
  if (personaOps.length > 0) await checked(store.collection(COLLECTIONS.personas).bulkWrite(personaOps, { ordered: false }));
  await insertManyIgnoringDuplicates(store.collection(COLLECTIONS.attributes), newAttributes);
  if (attributeOps.length > 0) await upsertAttributes(store, attributeOps);
  // A row's name is a name seen for its persona (features/names), in one bulk upsert for the batch.
  await recordNames(
    store,
    organisation,
    planned.flatMap((entry) => (entry.row.plan.name ? [{ persona: entry.target, name: entry.row.plan.name, count: 1, seenAt: now }] : [])),
  );
}

/**
 * Attribute upserts that lost a race for the unique (organisation, personaId, key) to a concurrent writer failed with
 * a duplicate key; run those once more so they update the winner's document instead of being dropped.
 */
async function upsertAttributes(store: Store, operations: BulkOperation[]): Promise<void> {
  const attributes = store.collection(COLLECTIONS.attributes);
  const first = await attributes.bulkWrite(operations, { ordered: false });
  const lost = first.writeErrors.filter((error) => isDuplicateKeyError(error)).map((error) => operations[error.index]);
  await checked(Promise.resolve(first));
  if (lost.length > 0) await failOnAny(attributes.bulkWrite(lost, { ordered: false }));
}

async function failOnAny(result: Promise<{ writeErrors: Array<{ errmsg: string }> }>): Promise<void> {
  const [error] = (await result).writeErrors;
  if (error) throw new Error(`import write failed: ${error.errmsg}`);
}

async function checked(result: Promise<{ writeErrors: Array<{ code: number; errmsg: string }> }>): Promise<void> {
  const unexpected = (await result).writeErrors.find((error) => !isDuplicateKeyError(error));
  if (unexpected) throw new Error(`import write failed: ${unexpected.errmsg}`);
}

function readableName(ifi: Ifi): string {
  if (ifi.key === 'mbox') return ifi.value.replace(/^mailto:/i, '');
  if (ifi.key === 'account') return ifi.value.name;
  return ifi.value;
}
