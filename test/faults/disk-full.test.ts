// A full disk under the data directory: a size-limited tmpfs the test mounts (root only; elsewhere the test says it
// was skipped), the API process writing into it until it is full. Writes then fail with 507 store.full, reads go
// on, nothing acknowledged is lost and the store stays consistent (doctor clean); once the filesystem grows again
// the same process takes writes, without a restart.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { runDoctor } from '../../src/features/doctor/store-doctor.ts';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir } from '../support/temp-store.ts';
import { callApi, kill9, startApi, type ApiProcess } from './support/service-process.ts';

const BATCH = 100;

function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const batchOf = (round: number) =>
  Array.from({ length: BATCH }, (_, position) => `full-${round}-${position}-${'x'.repeat(150)}@example.org`);

describe('faults: disk full under the data directory', function () {
  this.timeout(600_000);
  const mountPoint = makeTempDir('persona-disk-full-');
  let isMounted = false;
  let api: ApiProcess | null = null;

  after(async () => {
    if (api) await kill9(api);
    if (isMounted) execFileSync('umount', ['-l', mountPoint]);
  });

  it('fails writes with 507 store.full, keeps reads and every acknowledged write, and recovers when space returns', async function () {
    isMounted = mountTmpfs(mountPoint, '3m');
    if (!isMounted) {
      console.log(
        '      SKIPPED: mounting a tmpfs needs root (CAP_SYS_ADMIN); test/store/embedded-durability.test.ts covers a full disk with a file-size limit',
      );
      this.skip();
    }
    const dataDir = join(mountPoint, 'data');
    api = await startApi(dataDir);
    const acknowledged: string[] = [];
    let refusal: { status: number; body: any } | null = null;
    for (let round = 0; round < 500 && !refusal; round += 1) {
      const addresses = batchOf(round);
      const answer = await callApi(
        api,
        'POST',
        '/v1/statements?wait=true',
        addresses.map((address) => statementBy(agents.mbox(address, address))),
      );
      if (answer.status === 200) acknowledged.push(...addresses);
      else refusal = answer;
    }
    expect(refusal, 'the filesystem never filled').to.not.equal(null);
    expect(refusal!.status).to.equal(507);
    expect(refusal!.body.error.code).to.equal('store.full');
    expect(acknowledged.length).to.be.greaterThan(0);
    // Reads go on while the disk is full.
    const read = await callApi(api, 'GET', `/v1/personas/by-identifier?mbox=${encodeURIComponent(`mailto:${acknowledged[0]}`)}`);
    expect(read.status).to.equal(200);

    const check = async () => {
      const store = await openEmbeddedStore({ dataDir });
      try {
        const identifiers = await store.collection('personaIdentifiers').find({}, { projection: { ifi: 1 } });
        const stored = new Set(identifiers.map((identifier) => identifier.ifi.value));
        return { lost: acknowledged.filter((address) => !stored.has(`mailto:${address}`)), doctor: await runDoctor(store) };
      } finally {
        await store.close();
      }
    };
    const whileFull = await check();
    expect(whileFull.lost).to.deep.equal([]);
    expect(
      whileFull.doctor.problems.filter((problem) => problem.code !== 'identifier.orphan'),
      "only a refused batch's identifiers may wait for their persona",
    ).to.deep.equal([]);

    execFileSync('mount', ['-o', 'remount,size=64m', mountPoint]);
    const again = await callApi(
      api,
      'POST',
      '/v1/statements?wait=true',
      batchOf(1000).map((address) => statementBy(agents.mbox(address, address))),
    );
    expect(again.status, JSON.stringify(again.body)).to.equal(200);
    // The refused batch sent again completes what it had started.
    const lastRound = acknowledged.length / BATCH;
    const resent = await callApi(
      api,
      'POST',
      '/v1/statements?wait=true',
      batchOf(lastRound).map((address) => statementBy(agents.mbox(address, address))),
    );
    expect(resent.status).to.equal(200);
    const afterwards = await check();
    expect(afterwards.doctor.problems).to.deep.equal([]);
    console.log(
      `      disk full after ${acknowledged.length} statements acknowledged; 507 store.full; ${whileFull.doctor.problems.length} doctor finding(s) while full; clean after space returned`,
    );
  });
});
