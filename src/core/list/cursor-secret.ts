// The per-store key that signs list cursors: created once and read at start-up (store/service-settings.ts), never
// sent to clients.
import { randomBytes } from 'node:crypto';
import { loadOrCreateSetting } from '../../store/service-settings.ts';
import type { Store } from '../../store/port.ts';

export async function loadCursorSecret(store: Store): Promise<Buffer> {
  return Buffer.from(await loadOrCreateSetting(store, 'cursorSecret', () => randomBytes(32).toString('base64')), 'base64');
}
