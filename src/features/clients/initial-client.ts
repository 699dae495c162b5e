// First start on an empty store (no API client at all): an organisation (the default one, which the CLI's ingest
// also uses) and an all-scopes client are created, and the credentials written to <DATA_DIR>/initial-client.json
// with mode 0600 for scripts and tests. The caller prints them once; they are never shown again.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../store/port.ts';
import { ensureDefaultOrganisation } from '../tenancy/default-organisation.ts';
import { ALL_SCOPES, type ClientsService } from './clients.service.ts';

export interface InitialClient {
  organisation: string;
  key: string;
  secret: string;
}

export const INITIAL_CLIENT_FILE = 'initial-client.json';

/** Creates the first client when the store has none; answers it with the file written, or null. */
export async function ensureInitialClient({ store, clients, dataDir }: { store: Store; clients: ClientsService; dataDir: string }):
  Promise<{ credentials: InitialClient; file: string } | null> {
  if (!(await clients.isEmpty())) return null;
  const { organisation } = await ensureDefaultOrganisation(store);
  const { client, secret } = await clients.create({ organisation: organisation._id, title: 'initial client', scopes: ALL_SCOPES });
  const credentials: InitialClient = { organisation: organisation._id.toHexString(), key: client.key, secret };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, INITIAL_CLIENT_FILE);
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return { credentials, file };
}
