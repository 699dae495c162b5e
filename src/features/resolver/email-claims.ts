// mbox ↔ mbox_sha1sum linking (xapi-agents.md section 6): an address and its SHA-1 name one person, whichever
// arrives first. A claim document per SHA-1 (unique per organisation) records which persona owns the address; the
// unique index is the arbiter when resolvers race, so two resolvers seeing `mailto:a@b.org` and its SHA-1 at the same
// moment still agree on one persona.
import { ObjectId } from 'bson';
import { COLLECTIONS, type EmailClaimDoc, type Ifi } from '../../domain/model.ts';
import { mboxSha1sums } from '../../domain/xapi/index.ts';
import type { BulkOperation, Store } from '../../store/port.ts';

/** The SHA-1 keys an email identifier claims, primary first; empty for other identifier kinds. */
export function emailClaimKeys(ifi: Ifi): string[] {
  if (ifi.key === 'mbox') return mboxSha1sums(ifi.value);
  if (ifi.key === 'mbox_sha1sum') return [ifi.value.toLowerCase()];
  return [];
}

/**
 * For each group of claim keys (one group per new email identifier), the persona that owns the address: an existing
 * claim's persona, or a new persona id claimed here. Returns the persona per group, in order.
 */
export async function claimEmailPersonas(store: Store, organisation: ObjectId, groups: string[][], now: Date): Promise<ObjectId[]> {
  const claims = store.collection<EmailClaimDoc>(COLLECTIONS.emailClaims);
  const allKeys = [...new Set(groups.flat())];
  const owners = await readClaimOwners(claims, organisation, allKeys);

  // Propose a persona for each group that has no owner yet; groups sharing a key share the proposal.
  const proposals = new Map<string, ObjectId>();
  for (const group of groups) {
    if (group.some((key) => owners.has(key))) continue;
    const proposed = group.map((key) => proposals.get(key)).find(Boolean) ?? new ObjectId();
    for (const key of group) proposals.set(key, proposed);
  }
  if (proposals.size > 0) {
    const operations: BulkOperation[] = [...proposals].map(([sha1, persona]) => ({
      updateOne: { filter: { organisation, sha1 }, update: { $setOnInsert: { persona, createdAt: now } }, upsert: true },
    }));
    // Not flushed here: resolveIdentifiers flushes once for the whole batch.
    const result = await claims.bulkWrite(operations, { ordered: false, deferFlush: true });
    const proposed = [...proposals];
    const lost: string[] = [];
    proposed.forEach(([sha1, persona], position) => {
      if (position in result.upsertedIds) owners.set(sha1, persona);
      else lost.push(sha1);
    });
    // A lost race shows up as a duplicate-key write error or as a match: the re-read has the winner.
    for (const [key, persona] of await readClaimOwners(claims, organisation, lost)) owners.set(key, persona);
  }
  return groups.map((group) => {
    const owner = group.map((key) => owners.get(key)).find(Boolean);
    if (!owner) throw new Error(`email claim for ${group[0]} vanished while resolving`);
    return owner;
  });
}

async function readClaimOwners(
  claims: ReturnType<Store['collection']>,
  organisation: ObjectId,
  keys: string[],
): Promise<Map<string, ObjectId>> {
  const owners = new Map<string, ObjectId>();
  if (keys.length === 0) return owners;
  const found = await claims.find({ organisation, sha1: { $in: keys } }, { projection: { sha1: 1, persona: 1 } });
  for (const claim of found) owners.set(claim.sha1 as string, claim.persona as ObjectId);
  return owners;
}
