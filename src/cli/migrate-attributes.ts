// One value per (organisation, personaId, key), enforced by a unique index. Learning Locker's index on those keys is
// not unique and LL created duplicates under concurrent writes (its defect 32), so before the unique index can be
// built the duplicates are reported and removed, keeping the newest (updatedAt, else createdAt, else the ObjectId's
// time; ties go to the larger _id). Idempotent: once the unique index exists nothing is scanned.
import { COLLECTIONS } from '../domain/model.ts';
import { ATTRIBUTE_KEYS, duplicateAttributeGroups } from '../features/attributes/duplicate-attributes.ts';
import type { Collection, Document, IndexKeys, Store } from '../store/port.ts';

export interface DuplicateAttributes {
  organisation: string;
  personaId: string;
  key: string;
  keptId: string;
  removedIds: string[];
}

export interface UniqueAttributesReport {
  /** False when the unique index already existed (nothing scanned). */
  wasRebuilt: boolean;
  duplicates: DuplicateAttributes[];
}

const sameKeys = (a: IndexKeys, b: IndexKeys) => JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));

export async function ensureUniqueAttributes(store: Store, { batchSize = 1000 } = {}): Promise<UniqueAttributesReport> {
  const attributes = store.collection(COLLECTIONS.attributes);
  const existing = (await attributes.listIndexes()).find((index) => sameKeys(index.key, ATTRIBUTE_KEYS));
  if (existing?.unique) return { wasRebuilt: false, duplicates: [] };
  const duplicates = await removeDuplicateAttributes(attributes, batchSize);
  // MongoDB refuses a second index on the same keys with other options (IndexOptionsConflict): replace it.
  if (existing) await attributes.dropIndex(existing.name);
  await attributes.createIndex(ATTRIBUTE_KEYS, { unique: true });
  return { wasRebuilt: true, duplicates };
}

/** Removes the older copies of each duplicated key (the shared walk: one group in memory), deleting in batches. */
async function removeDuplicateAttributes(attributes: Collection, batchSize: number): Promise<DuplicateAttributes[]> {
  const report: DuplicateAttributes[] = [];
  const doomed: Document[] = [];
  const flush = async () => {
    if (doomed.length === 0) return;
    const batch = doomed.splice(0);
    // Per organisation, so the delete is targeted on a collection sharded by organisation.
    const byOrganisation = new Map<string, Document[]>();
    for (const doc of batch) byOrganisation.set(String(doc.organisation), [...(byOrganisation.get(String(doc.organisation)) ?? []), doc]);
    for (const docs of byOrganisation.values()) {
      await attributes.deleteMany({ organisation: docs[0].organisation, _id: { $in: docs.map((doc) => doc._id) } });
    }
  };
  for await (const { kept, removed } of duplicateAttributeGroups(attributes, batchSize)) {
    report.push({
      organisation: String(kept.organisation),
      personaId: String(kept.personaId),
      key: String(kept.key),
      keptId: String(kept._id),
      removedIds: removed.map((doc) => String(doc._id)),
    });
    doomed.push(...removed);
    if (doomed.length >= batchSize) await flush();
  }
  await flush();
  return report;
}

export function formatUniqueAttributesReport(report: UniqueAttributesReport): string[] {
  if (!report.wasRebuilt) return ['attributes: unique (organisation, personaId, key) index already present'];
  return [
    `duplicate attributes removed (kept the newest of each persona and key): ${report.duplicates.reduce((sum, d) => sum + d.removedIds.length, 0)}`,
    ...report.duplicates.map(
      (d) =>
        `  org ${d.organisation} persona ${d.personaId} key ${JSON.stringify(d.key)}: kept ${d.keptId}, removed ${d.removedIds.join(', ')}`,
    ),
  ];
}
