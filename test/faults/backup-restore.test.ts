// `persona backup` while the API serves writes, then `persona restore` into a new DATA_DIR: the copy is one
// consistent snapshot (every document equal to the original's, every write acknowledged before the backup began
// present, later writes absent) and the restored store serves and is clean.
import { join } from 'node:path';
import { expect } from 'chai';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { runDoctor } from '../../src/features/doctor/store-doctor.ts';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import type { Document, Store } from '../../src/store/port.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir } from '../support/temp-store.ts';
import { callApi, kill9, persona, startApi, type ApiProcess } from './support/service-process.ts';

const BATCH = 20;

async function withStoreAt<T>(dataDir: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openEmbeddedStore({ dataDir });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Posts batches of statements by new learners until stopped; answers the addresses each acknowledged batch named. */
function keepWriting(api: ApiProcess) {
  const acknowledged: string[] = [];
  let isStopped = false;
  const done = (async () => {
    for (let batch = 0; !isStopped; batch += 1) {
      const addresses = Array.from({ length: BATCH }, (_, position) => `learner-${batch}-${position}@example.org`);
      const response = await callApi(
        api,
        'POST',
        '/v1/statements?wait=true',
        addresses.map((address) => statementBy(agents.mbox(address, address))),
      );
      if (response.status !== 200) throw new Error(`write answered ${response.status}: ${JSON.stringify(response.body)}`);
      acknowledged.push(...addresses);
    }
  })();
  return {
    acknowledged,
    async stop() {
      isStopped = true;
      await done;
    },
  };
}

const byId = (documents: Document[]) => new Map(documents.map((document) => [String(document._id), document]));

describe('faults: persona backup while serving, persona restore', function () {
  this.timeout(300_000);

  it('copies one consistent snapshot during concurrent writes; restore refuses a non-empty DATA_DIR unless forced', async () => {
    const root = makeTempDir('persona-backup-');
    const dataDir = join(root, 'data');
    const api = await startApi(dataDir);
    const writer = keepWriting(api);
    try {
      while (writer.acknowledged.length < 10 * BATCH) await new Promise((resolve) => setTimeout(resolve, 50));
      const acknowledgedBefore = [...writer.acknowledged];
      const backup = await persona(['backup', join(root, 'backup'), '--json'], { DATA_DIR: dataDir });
      expect(backup.code, backup.stderr).to.equal(0);
      const acknowledgedDuring = writer.acknowledged.length;
      // Writes go on after the copy, so the original moves past it.
      while (writer.acknowledged.length < acknowledgedDuring + 5 * BATCH) await new Promise((resolve) => setTimeout(resolve, 50));
      await writer.stop();
      expect(JSON.parse(backup.stdout).bytes).to.be.greaterThan(0);

      const refusedBackup = await persona(['backup', join(root, 'backup')], { DATA_DIR: dataDir });
      expect(refusedBackup).to.deep.include({ code: 2 });
      expect(refusedBackup.stderr).to.include('cli.target_not_empty');
      await kill9(api);

      const restoredDir = join(root, 'restored');
      const restored = await persona(['restore', join(root, 'backup'), '--json'], { DATA_DIR: restoredDir });
      expect(restored.code, restored.stderr).to.equal(0);
      expect(JSON.parse(restored.stdout).doctor.unrepaired).to.equal(0);
      const refused = await persona(['restore', join(root, 'backup')], { DATA_DIR: restoredDir });
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.include('cli.target_not_empty');
      expect((await persona(['restore', join(root, 'backup'), '--force'], { DATA_DIR: restoredDir })).code).to.equal(0);

      const original = await withStoreAt(dataDir, async (store) => ({
        identifiers: byId(await store.collection(COLLECTIONS.identifiers).find({})),
        personas: byId(await store.collection(COLLECTIONS.personas).find({})),
      }));
      await withStoreAt(restoredDir, async (store) => {
        expect((await runDoctor(store)).clean).to.equal(true);
        const identifiers = await store.collection(COLLECTIONS.identifiers).find({});
        const addresses = new Set(identifiers.map((identifier) => identifier.ifi.value));
        expect(acknowledgedBefore.filter((address) => !addresses.has(`mailto:${address}`))).to.deep.equal([]);
        expect(identifiers.length).to.be.lessThan(original.identifiers.size);
        for (const identifier of identifiers) expect(identifier).to.deep.equal(original.identifiers.get(String(identifier._id)));
        for (const persona of await store.collection(COLLECTIONS.personas).find({})) {
          expect(persona).to.deep.include({
            name: original.personas.get(String(persona._id))!.name,
            createdAt: original.personas.get(String(persona._id))!.createdAt,
          });
        }
      });
      // The restored store serves: the learners acknowledged before the backup are found through the API.
      const again = await startApi(restoredDir, {}, dataDir);
      try {
        const found = await callApi(
          again,
          'GET',
          `/v1/personas/by-identifier?mbox=${encodeURIComponent(`mailto:${acknowledgedBefore[0]}`)}`,
        );
        expect(found.status).to.equal(200);
      } finally {
        await kill9(again);
      }
    } finally {
      await writer.stop().catch(() => undefined);
      await kill9(api);
    }
  });
});
