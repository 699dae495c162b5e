// Service-wide settings kept in the store itself (`serviceSettings`: `{_id: <name>, value}`), each created once: an
// upsert on a fixed id with $setOnInsert, so processes opening the store together agree on one value.
import { type Store, isDuplicateKeyError } from './port.ts';

export const SETTINGS_COLLECTION = 'serviceSettings';

/** The setting's value, created with `create()` when the store has none yet. */
export async function loadOrCreateSetting(store: Store, id: string, create: () => string): Promise<string> {
  const settings = store.collection<{ _id: string; value: string }>(SETTINGS_COLLECTION);
  await settings.updateOne({ _id: id }, { $setOnInsert: { value: create() } }, { upsert: true }).catch((error: { code?: number }) => {
    // Two first opens raced on the unique _id: the other one created it.
    if (!isDuplicateKeyError(error)) throw error;
  });
  const setting = await settings.findOne({ _id: id });
  if (!setting) throw new Error(`setting ${id} could not be created`);
  return setting.value;
}
