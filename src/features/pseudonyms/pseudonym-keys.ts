// The per-organisation pseudonym key (opt-in): one document per organisation in `pseudonymKeys`, holding the current
// secret and a dated history of the keys it replaced (id, created, retired; their secrets are dropped, so rotating
// really unlinks new pseudonyms from old ones). The secret never leaves this module except inside a Pseudonymiser:
// views list ids and dates only. Enabling twice, or two processes enabling at once, keep one key (the upsert's
// unique _id decides); a rotation is conditional on the key it replaces, so two concurrent rotations make one.
import { randomBytes } from 'node:crypto';
import { ObjectId } from 'bson';
import { upsertRetryingDuplicateKey, type Store } from '../../store/port.ts';
import { createPseudonymiser, type Pseudonymiser } from './pseudonymiser.ts';

export const PSEUDONYM_KEYS_COLLECTION = 'pseudonymKeys';

interface StoredKey {
  id: string;
  /** base64, 32 random bytes. */
  secret: string;
  createdAt: Date;
}

interface PseudonymKeysDoc {
  /** The organisation's id: one document per organisation. */
  _id: ObjectId;
  organisation: ObjectId;
  current: StoredKey;
  history: Array<{ id: string; createdAt: Date; retiredAt: Date }>;
  enabledAt: Date;
  enabledBy: string;
}

export interface PseudonymisationView {
  enabled: boolean;
  enabledAt: string | null;
  currentKey: { id: string; createdAt: string } | null;
  retiredKeys: Array<{ id: string; createdAt: string; retiredAt: string }>;
}

const keysOf = (store: Store) => store.collection<PseudonymKeysDoc>(PSEUDONYM_KEYS_COLLECTION);
const newKey = (): StoredKey => ({ id: new ObjectId().toHexString(), secret: randomBytes(32).toString('base64'), createdAt: new Date() });

function viewOf(doc: PseudonymKeysDoc | null): PseudonymisationView {
  if (!doc) return { enabled: false, enabledAt: null, currentKey: null, retiredKeys: [] };
  return {
    enabled: true,
    enabledAt: doc.enabledAt.toISOString(),
    currentKey: { id: doc.current.id, createdAt: doc.current.createdAt.toISOString() },
    retiredKeys: doc.history.map((key) => ({ id: key.id, createdAt: key.createdAt.toISOString(), retiredAt: key.retiredAt.toISOString() })),
  };
}

export async function readPseudonymisation(store: Store, organisation: ObjectId): Promise<PseudonymisationView> {
  return viewOf(await keysOf(store).findOne({ _id: organisation, organisation }));
}

/** The organisation's pseudonymiser, or null when pseudonymisation is off. */
export async function pseudonymiserOf(store: Store, organisation: ObjectId): Promise<Pseudonymiser | null> {
  const doc = await keysOf(store).findOne({ _id: organisation, organisation }, { projection: { current: 1 } });
  return doc ? createPseudonymiser({ id: doc.current.id, secret: Buffer.from(doc.current.secret, 'base64') }) : null;
}

/** Turns pseudonymisation on (idempotent: an enabled organisation keeps its key). */
export async function enablePseudonymisation(store: Store, organisation: ObjectId, actor: string): Promise<PseudonymisationView> {
  await upsertRetryingDuplicateKey(() =>
    keysOf(store).updateOne(
      { _id: organisation, organisation },
      { $setOnInsert: { current: newKey(), history: [], enabledAt: new Date(), enabledBy: actor } },
      { upsert: true },
    ),
  );
  return readPseudonymisation(store, organisation);
}

/** The pseudonymiser, enabling pseudonymisation first when it is off (WRITE_BACK_PERSON=pseudonym asks for it). */
export async function ensurePseudonymiser(store: Store, organisation: ObjectId, actor: string): Promise<Pseudonymiser> {
  const existing = await pseudonymiserOf(store, organisation);
  if (existing) return existing;
  await enablePseudonymisation(store, organisation, actor);
  return (await pseudonymiserOf(store, organisation))!;
}

/** Replaces the current key; null when pseudonymisation is off. A lost race keeps the winner's new key. */
export async function rotatePseudonymKey(store: Store, organisation: ObjectId): Promise<PseudonymisationView | null> {
  const doc = await keysOf(store).findOne({ _id: organisation, organisation });
  if (!doc) return null;
  const retired = { id: doc.current.id, createdAt: doc.current.createdAt, retiredAt: new Date() };
  await keysOf(store).updateOne(
    { _id: organisation, organisation, 'current.id': doc.current.id },
    { $set: { current: newKey() }, $push: { history: retired } },
  );
  return readPseudonymisation(store, organisation);
}

/** Turns pseudonymisation off: the key is deleted, so no pseudonym issued under it can be computed again. */
export async function disablePseudonymisation(store: Store, organisation: ObjectId): Promise<void> {
  await keysOf(store).deleteOne({ _id: organisation, organisation });
}
