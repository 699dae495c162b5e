// Several processes sharing one embedded data directory: LMDB's writer lock serialises their write transactions,
// so racing upserts under a unique index give exactly one document per key, the change log numbers their commits
// without reusing a number, and committed writes are visible to the next read of every other process.
import { expect } from 'chai';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { runStoreChild } from './child-process.ts';
import { freshDataDir } from './temp-dir.ts';

describe('embedded store: several processes on one data directory', function () {
  this.timeout(120_000);

  it('racing upserts of overlapping keys from 4 processes create exactly one document per key', async function () {
    const dataDir = freshDataDir();
    const keyCount = 300;
    const rounds = 5;
    const outputs = await Promise.all([0, 1, 2, 3].map((worker) => runStoreChild(['upsert', dataDir, String(worker), String(keyCount), String(rounds)])));
    const reports = outputs.map((output) => JSON.parse(output.trim()) as { upserted: number; duplicateErrors: number });
    const store = await openEmbeddedStore({ dataDir, mapSizeGb: 1 });
    try {
      const keys = store.collection('keys');
      const bulkDocuments = await keys.find({ key: /^k/ });
      const singleDocuments = await keys.find({ key: /^s/ });
      expect(bulkDocuments).to.have.length(keyCount);
      expect(new Set(bulkDocuments.map((document) => document.key)).size).to.equal(keyCount);
      expect(singleDocuments.length).to.be.greaterThan(0);
      expect(singleDocuments).to.have.length(new Set(singleDocuments.map((document) => document.key)).size);
      // Every upsert matched or inserted: 4 workers × rounds hits per key, and each insert counted exactly once.
      expect(bulkDocuments.every((document) => document.hits === 4 * rounds)).to.equal(true);
      const totalUpserted = reports.reduce((sum, report) => sum + report.upserted, 0);
      expect(totalUpserted).to.equal(bulkDocuments.length + singleDocuments.length);
      expect(reports.every((report) => report.duplicateErrors === 0)).to.equal(true);
      // The change log numbered the interleaved commits of the 4 processes without reusing a number (a reused one
      // would overwrite an entry): every bulk upsert wrote its key, so each key has 4 × rounds entries.
      const changes = await store.changesSince(['keys'], 'org', 'embedded-changes:0', { limit: 1_000_000 });
      if ('historyLost' in changes) throw new Error('the change log lost its history');
      const bulkEntries = changes.changes.filter((change) => bulkDocuments.some((document) => document._id.equals(change.id)));
      expect(bulkEntries).to.have.length(4 * rounds * keyCount);
    } finally {
      await store.close();
    }
  });

  it('each process sees the writes another committed, on its next read', async function () {
    const dataDir = freshDataDir();
    const store = await openEmbeddedStore({ dataDir, mapSizeGb: 1 });
    try {
      const shared = store.collection('shared');
      expect(await shared.countDocuments({ value: 'from-child' })).to.equal(0);
      const childId = (await runStoreChild(['insert-one', dataDir, 'from-child'])).trim();
      const seen = await shared.findOne({ value: 'from-child' });
      expect(seen!._id.toHexString()).to.equal(childId);
      await shared.insertOne({ value: 'from-parent' });
      expect((await runStoreChild(['count', dataDir, 'from-parent'])).trim()).to.equal('1');
    } finally {
      await store.close();
    }
  });
});
