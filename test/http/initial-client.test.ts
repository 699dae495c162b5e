// The first client's secret exists only in the announcement and the file: when the file cannot be written (an image
// directory its user cannot write, review finding 4), the credentials must already have been announced, and they
// must work.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createClientAuthenticator } from '../../src/features/clients/client-authenticator.ts';
import { createClientsService } from '../../src/features/clients/clients.service.ts';
import { ensureInitialClient, type InitialClient } from '../../src/features/clients/initial-client.ts';
import { makeTempDir, openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

describe('the initial client', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
  });
  afterEach(async () => temp.close());

  it('is announced before its file is written, and an unwritable DATA_DIR loses nothing', async () => {
    // A regular file where the directory should be: mkdir fails even for root (ENOTDIR/EEXIST).
    const blocker = join(makeTempDir(), 'not-a-directory');
    writeFileSync(blocker, '');
    const announced: InitialClient[] = [];
    const result = await ensureInitialClient({
      store: temp.store,
      clients: createClientsService({ store: temp.store }),
      dataDir: join(blocker, 'data'),
      announce: (credentials) => announced.push(credentials),
    });
    expect(announced).to.have.length(1);
    expect(result?.credentials).to.deep.equal(announced[0]);
    expect(result?.file).to.equal(null);
    expect(result?.fileError).to.match(/ENOTDIR|EEXIST/);
    const outcome = await createClientAuthenticator({ store: temp.store }).authenticate(announced[0].key, announced[0].secret);
    expect(outcome.ok).to.equal(true);
  });

  it('is written to DATA_DIR when it can be, and only on the first start', async () => {
    const dataDir = makeTempDir();
    const clients = createClientsService({ store: temp.store });
    const first = await ensureInitialClient({ store: temp.store, clients, dataDir });
    expect(first?.file).to.equal(join(dataDir, 'initial-client.json'));
    expect(
      await ensureInitialClient({
        store: temp.store,
        clients,
        dataDir,
        announce: () => {
          throw new Error('announced twice');
        },
      }),
    ).to.equal(null);
  });
});
