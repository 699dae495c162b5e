// The embedded store holds every organisation's personal data, the clients' scrypt hashes and the cursor HMAC
// secret: a new data directory is the service user's alone (0700) and so are the store files in it (0600), whatever
// the process umask allows.
import { expect } from 'chai';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectId } from 'bson';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { makeTempDir } from '../support/temp-store.ts';

describe('embedded store: file permissions', () => {
  it('creates the data directory 0700 and its files 0600 even under a permissive umask', async () => {
    const dataDir = join(makeTempDir(), 'nested', 'data.prod');
    const previousUmask = process.umask(0o002);
    try {
      const store = await openEmbeddedStore({ dataDir });
      await store.collection('personas').insertOne({ _id: new ObjectId(), name: 'Ada' });
      await store.close();
    } finally {
      process.umask(previousUmask);
    }
    expect(statSync(dataDir).mode & 0o777, 'data directory').to.equal(0o700);
    const files = readdirSync(dataDir);
    expect(files).to.include('data.mdb');
    for (const file of files) expect(statSync(join(dataDir, file)).mode & 0o777, file).to.equal(0o600);
  });
});
