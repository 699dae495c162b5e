// The storage contract against MongoDB, when MONGODB_URL names a deployment (a replica set, so applyAtomically runs
// too; the CI workflow starts one). Without it the suite is registered as pending and a loud line says so: no
// server can run on a developer machine without Docker, and none is downloaded.
import { openMongoStore } from '../../src/store/mongodb/index.ts';
import { TEST_MONGODB_URL } from '../support/temp-store.ts';
import { describeStoreContract } from './contract.ts';

const url = TEST_MONGODB_URL;
if (url) {
  let counter = 0;
  const base = `persona-contract-${process.pid}-${Date.now()}`;
  describeStoreContract('mongodb', () => openMongoStore({ url, dbName: `${base}-${(counter += 1)}`, serverSelectionTimeoutMs: 5_000 }));
} else {
  console.warn('*** MongoDB storage contract SKIPPED: MONGODB_URL is not set (the suites ran on the embedded store only) ***');
  describe('storage contract: mongodb', function () {
    it.skip('SKIPPED: MONGODB_URL is not set');
  });
}
