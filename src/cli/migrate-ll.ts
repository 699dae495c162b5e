// `persona migrate --from-learning-locker`: prepares a MongoDB that Learning Locker wrote for this service, in place
// and without deleting anything. Identifiers get our `canonicalKey` (the unique arbiter of resolution); when several
// LL identifiers collide once canonical (an account stored in both key orders, mbox case variants) the oldest keeps
// the key and the others are reported and given a key no resolver computes, so the unique index can be built and an
// operator can merge them deliberately. Personas and identifiers get createdAt/updatedAt from their ObjectId.
// Only fields are added: `ifi`, `persona`, `locked`, `lockedAt` and names stay as LL wrote them, so LL still reads them.
// LL's API clients are imported (compat/learning-locker/ll-clients.ts) so their Basic credentials keep working.
import type { ObjectId } from 'bson';
import { COLLECTIONS } from '../domain/model.ts';
import type { IndexProgress } from '../store/indexes.ts';
import type { BulkOperation, Collection, Store } from '../store/port.ts';

export interface CanonicalCollision {
  organisation: string;
  canonicalKey: string;
  keptId: string;
  duplicateIds: string[];
}

export interface LearningLockerMigrationReport {
  identifiersScanned: number;
  canonicalKeysAdded: number;
  collisions: CanonicalCollision[];
  invalidIdentifiers: Array<{ id: string; organisation: string; reason: string }>;
  /** Identifiers LL left locked (a crash mid-creation); the resolver repairs them on first touch. */
  lockedIdentifiers: number;
  personasTimestamped: number;
  identifiersTimestamped: number;
}

export interface LearningLockerMigrationOptions {
  /** `<key>|<canonical value>` of an IFI (the xapi domain's canonicalIdentifierKey); throws for an invalid IFI. */
  canonicalKeyOf: (ifi: unknown) => string;
  batchSize?: number;
}

/** Marks a collided duplicate: never equal to a key computed from an IFI, unique because it carries the `_id`. */
export const duplicateKeyOf = (canonicalKey: string, id: ObjectId) => `${canonicalKey}#duplicate:${id.toHexString()}`;
export const unresolvableKeyOf = (id: ObjectId) => `unresolvable|${id.toHexString()}`;

async function flush(collection: Collection, operations: BulkOperation[]): Promise<void> {
  if (operations.length === 0) return;
  const result = await collection.bulkWrite(operations.splice(0), { ordered: false });
  if (result.writeErrors.length > 0) throw new Error(`migration write failed: ${result.writeErrors[0].errmsg}`);
}

async function addTimestamps(collection: Collection, batchSize: number): Promise<number> {
  const operations: BulkOperation[] = [];
  let count = 0;
  for await (const doc of collection.iterate({ createdAt: { $exists: false } }, { projection: { _id: 1 }, batchSize })) {
    const created = (doc._id as ObjectId).getTimestamp();
    operations.push({
      updateOne: { filter: { _id: doc._id, createdAt: { $exists: false } }, update: { $set: { createdAt: created, updatedAt: created } } },
    });
    count += 1;
    if (operations.length >= batchSize) await flush(collection, operations);
  }
  await flush(collection, operations);
  return count;
}

export async function migrateFromLearningLocker(
  store: Store,
  options: LearningLockerMigrationOptions,
): Promise<LearningLockerMigrationReport> {
  const batchSize = options.batchSize ?? 1000;
  const identifiers = store.collection(COLLECTIONS.identifiers);
  const report: LearningLockerMigrationReport = {
    identifiersScanned: 0,
    canonicalKeysAdded: 0,
    collisions: [],
    invalidIdentifiers: [],
    lockedIdentifiers: 0,
    personasTimestamped: 0,
    identifiersTimestamped: 0,
  };
  // Keys already taken (a previous, interrupted run), per organisation: `<org>\u0000<key>` → keeper id.
  const keepers = new Map<string, string>();
  for await (const doc of identifiers.iterate(
    { canonicalKey: { $exists: true } },
    { projection: { organisation: 1, canonicalKey: 1 }, batchSize },
  )) {
    if (!String(doc.canonicalKey).includes('#duplicate:')) keepers.set(`${doc.organisation}\u0000${doc.canonicalKey}`, String(doc._id));
  }
  const collisions = new Map<string, CanonicalCollision>();
  const operations: BulkOperation[] = [];
  for await (const doc of identifiers.iterate({ canonicalKey: { $exists: false } }, { sort: { _id: 1 }, batchSize })) {
    report.identifiersScanned += 1;
    if (doc.locked === true) report.lockedIdentifiers += 1;
    let canonicalKey: string;
    try {
      canonicalKey = options.canonicalKeyOf(doc.ifi);
    } catch (error) {
      report.invalidIdentifiers.push({ id: String(doc._id), organisation: String(doc.organisation), reason: (error as Error).message });
      operations.push({ updateOne: { filter: { _id: doc._id }, update: { $set: { canonicalKey: unresolvableKeyOf(doc._id) } } } });
      continue;
    }
    const slot = `${doc.organisation}\u0000${canonicalKey}`;
    const keptId = keepers.get(slot);
    if (keptId === undefined) {
      keepers.set(slot, String(doc._id));
      operations.push({ updateOne: { filter: { _id: doc._id }, update: { $set: { canonicalKey } } } });
      report.canonicalKeysAdded += 1;
    } else {
      const collision = collisions.get(slot) ?? { organisation: String(doc.organisation), canonicalKey, keptId, duplicateIds: [] };
      collision.duplicateIds.push(String(doc._id));
      collisions.set(slot, collision);
      operations.push({
        updateOne: { filter: { _id: doc._id }, update: { $set: { canonicalKey: duplicateKeyOf(canonicalKey, doc._id) } } },
      });
    }
    if (operations.length >= batchSize) await flush(identifiers, operations);
  }
  await flush(identifiers, operations);
  report.collisions = [...collisions.values()];
  report.personasTimestamped = await addTimestamps(store.collection(COLLECTIONS.personas), batchSize);
  report.identifiersTimestamped = await addTimestamps(identifiers, batchSize);
  return report;
}

export function formatMigrationReport(report: LearningLockerMigrationReport): string {
  const lines = [
    `identifiers scanned: ${report.identifiersScanned}, canonical keys added: ${report.canonicalKeysAdded}`,
    `personas timestamped: ${report.personasTimestamped}, identifiers timestamped: ${report.identifiersTimestamped}`,
    `locked identifiers left by Learning Locker (repaired on first use): ${report.lockedIdentifiers}`,
    `identifiers that collide once canonical: ${report.collisions.length} (nothing deleted; merge them with POST /v1/personas/{id}/merge)`,
    ...report.collisions.map((c) => `  org ${c.organisation} ${c.canonicalKey}: kept ${c.keptId}, duplicates ${c.duplicateIds.join(', ')}`),
    `invalid identifiers (kept, not resolvable): ${report.invalidIdentifiers.length}`,
    ...report.invalidIdentifiers.map((i) => `  org ${i.organisation} ${i.id}: ${i.reason}`),
  ];
  return lines.join('\n');
}

/**
 * The CLI entry: opens the configured store WITHOUT creating indexes first (the unique canonical-key index cannot be
 * built before the keys exist), migrates, removes duplicate attributes (the unique attribute index cannot be built
 * over them), then creates every index.
 */
export async function runLearningLockerMigration(options: { json?: boolean; onIndex?: IndexProgress }): Promise<void> {
  const [
    { loadConfig },
    { openStore },
    { canonicalIdentifierKey },
    { importLearningLockerClients },
    { formatUniqueAttributesReport },
    { buildEveryIndex },
    { printIndexProgress },
  ] = await Promise.all([
    import('../config.ts'),
    import('../store/open-store.ts'),
    import('../domain/xapi/index.ts'),
    import('../compat/learning-locker/ll-clients.ts'),
    import('./migrate-attributes.ts'),
    import('./migrate-indexes.ts'),
    import('./index-progress.ts'),
  ]);
  const config = loadConfig();
  const store = await openStore(config);
  try {
    const report = await migrateFromLearningLocker(store, { canonicalKeyOf: (ifi) => canonicalIdentifierKey(ifi as never) });
    // Every index the service needs (LL's non-unique attribute index replaced once its duplicates are gone first).
    const { attributes, indexes } = await buildEveryIndex(store, config, options.onIndex ?? printIndexProgress());
    // LL's API clients keep their Basic key:secret here (needs the unique client key index, so after ensureIndexes).
    const clients = await importLearningLockerClients(store);
    const clientLines = [
      `Learning Locker API clients imported: ${clients.clientsImported}, updated: ${clients.clientsUpdated}, skipped: ${clients.clientsSkipped.length}`,
      ...clients.clientsSkipped.map((skipped) => `  client ${skipped.id}: ${skipped.reason}`),
    ];
    console.log(
      options.json
        ? JSON.stringify({ ...report, ...clients, duplicateAttributes: attributes.duplicates, indexes })
        : `${formatMigrationReport(report)}\n${formatUniqueAttributesReport(attributes).join('\n')}\n${clientLines.join('\n')}\nindexes ensured: ${indexes.length}`,
    );
  } finally {
    await store.close();
  }
}
