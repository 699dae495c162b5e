// The per-store key that signs list cursors: created once (upsert on a fixed id, so processes starting together
// agree on one) and read at start-up. Kept in its own settings collection, never sent to clients.
import { randomBytes } from 'node:crypto';
import type { Store } from '../../store/port.ts';

/** Service-wide settings documents (`{_id: <name>, value}`). */
export const SETTINGS_COLLECTION = 'serviceSettings';
const CURSOR_SECRET_ID = 'cursorSecret';

export async function loadCursorSecret(store: Store): Promise<Buffer> {
  const settings = store.collection<{ _id: string; value: string }>(SETTINGS_COLLECTION);
  await settings.updateOne(
    { _id: CURSOR_SECRET_ID }, { $setOnInsert: { value: randomBytes(32).toString('base64') } }, { upsert: true },
  ).catch((error: { code?: number }) => {
    if (error.code !== 11000) throw error;
  });
  const setting = await settings.findOne({ _id: CURSOR_SECRET_ID });
  if (!setting) throw new Error('cursor secret could not be created');
  return Buffer.from(setting.value, 'base64');
}
