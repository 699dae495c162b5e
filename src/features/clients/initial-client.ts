// First start on an empty store (no API client at all): an organisation (the default one, which the CLI's ingest
// also uses) and an all-scopes client are created, and the credentials written to <DATA_DIR>/initial-client.json
// with mode 0600 for scripts and tests. They are announced (printed by main.ts) as soon as the client exists, before
// the file is written: once the client is stored nothing shows its secret again, so a file that cannot be written
// (a read-only image directory, STORE=mongodb with no DATA_DIR volume) must not swallow the only copy.
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

export interface InitialClientResult {
  credentials: InitialClient;
  /** The file written, or null when it could not be (then `fileError` says why; the announcement is the only copy). */
  file: string | null;
  fileError?: string;
}

/** Creates the first client when the store has none, announces it, then saves it; null when clients exist. */
export async function ensureInitialClient({
  store,
  clients,
  dataDir,
  announce = () => {},
}: {
  store: Store;
  clients: ClientsService;
  dataDir: string;
  announce?: (credentials: InitialClient) => void;
}): Promise<InitialClientResult | null> {
  if (!(await clients.isEmpty())) return null;
  const { organisation } = await ensureDefaultOrganisation(store);
  const { client, secret } = await clients.create({ organisation: organisation._id, title: 'initial client', scopes: ALL_SCOPES });
  const credentials: InitialClient = { organisation: organisation._id.toHexString(), key: client.key, secret };
  announce(credentials);
  const file = join(dataDir, INITIAL_CLIENT_FILE);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    return { credentials, file };
  } catch (error) {
    return { credentials, file: null, fileError: (error as Error).message };
  }
}
