// Crash safety without transactions: a child process runs a merge (then an undo) and is killed with SIGKILL after
// each of its steps in turn; recovery then has to reach exactly the state of an uninterrupted run, and an undo of
// the recovered merge has to give back exactly the state before the merge.
import { execFile } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { mergesOf } from '../../src/features/merges/merge-record.ts';
import { recoverMerges } from '../../src/features/merges/merge-recovery.ts';
import { createMergeService } from '../../src/features/merges/merge.service.ts';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { ensureIndexes } from '../../src/store/indexes.ts';
import { makeTempDir } from '../support/temp-store.ts';
import { account, mbox, mboxSha1, openid, seedPersona, snapshot } from './support/seed.ts';

const run = promisify(execFile);
const child = join(import.meta.dirname, 'fixtures', 'merge-child.ts');

async function runChild(dataDir: string, args: string[], killAfter: number): Promise<{ killed: boolean; steps: string[] }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child, dataDir, ...args], {
      env: { ...process.env, KILL_AFTER_STEP: String(killAfter) },
    });
    return { killed: false, steps: (JSON.parse(stdout.trim()) as { steps: string[] }).steps };
  } catch (error) {
    if ((error as { signal?: string }).signal === 'SIGKILL') return { killed: true, steps: [] };
    throw error;
  }
}

async function withStore<T>(dataDir: string, work: (store: Awaited<ReturnType<typeof openEmbeddedStore>>) => Promise<T>): Promise<T> {
  const store = await openEmbeddedStore({ dataDir });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

describe('merge crash safety (processes killed between steps)', function () {
  this.timeout(300_000);
  const organisation = new ObjectId();
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = makeTempDir('merge-crash-');
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('recovery completes a merge killed after any step, and undo killed after any step, to the uninterrupted state', async () => {
    const template = freshDir();
    const ids = await withStore(template, async (store) => {
      await ensureIndexes(store);
      const target = await seedPersona(store, organisation, {
        identifiers: [openid('http://id.example.org/t')],
        attributes: { team: 'red' },
        links: [{ recTypeName: 'u', recId: '1' }],
      });
      const first = await seedPersona(store, organisation, {
        identifiers: [mbox('a@example.org'), mboxSha1('b@example.org'), account('http://lms.example.org', 'a')],
        attributes: { team: 'blue', grade: 'B' },
        links: [
          { recTypeName: 'u', recId: '1' },
          { recTypeName: 'u', recId: '2' },
        ],
      });
      const second = await seedPersona(store, organisation, {
        identifiers: [openid('http://id.example.org/s')],
        attributes: { grade: 'C' },
      });
      const older = await seedPersona(store, organisation);
      await createMergeService({ store }).mergePersonas({ organisation, targetId: first, sourceIds: [older], actor: 'setup' });
      return { target, sources: [first, second] };
    });
    const before = await withStore(template, (store) => snapshot(store, organisation));
    const mergeArgs = [organisation.toHexString(), 'merge', ids.target.toHexString(), ids.sources.map((id) => id.toHexString()).join(',')];

    const reference = freshDir();
    cpSync(template, reference, { recursive: true });
    const full = await runChild(reference, mergeArgs, 0);
    expect(full.killed).to.equal(false);
    const merged = await withStore(reference, (store) => snapshot(store, organisation));
    expect(merged).to.not.deep.equal(before);

    for (let step = 1; step <= full.steps.length; step += 1) {
      const dir = freshDir();
      cpSync(template, dir, { recursive: true });
      const outcome = await runChild(dir, mergeArgs, step);
      expect(outcome.killed, `killed after ${full.steps[step - 1]}`).to.equal(true);
      await withStore(dir, async (store) => {
        // The killed child's lease has not expired (issue 12: leases); the test knows it is dead, like `recover --force`.
        const report = await recoverMerges(store, { takeOverLiveLeases: true });
        const record = (await mergesOf(store).find({ organisation, actor: 'crash-test' }))[0];
        if (step === 1) {
          // Killed right after the intent was written: nothing moved, recovery abandons it.
          expect(report.abandoned).to.have.length(1);
          expect(record.state).to.equal('abandoned');
          expect(await snapshot(store, organisation)).to.deep.equal(before);
          return;
        }
        expect(record.state, `after ${full.steps[step - 1]}`).to.equal('applied');
        expect(await snapshot(store, organisation), `recovered after ${full.steps[step - 1]}`).to.deep.equal(merged);
        // What the record says moved is complete: undoing it restores the state before the merge.
        await createMergeService({ store }).undoMerge({ organisation, mergeId: record._id, actor: 'test' });
        expect(await snapshot(store, organisation), `undo after recovery from ${full.steps[step - 1]}`).to.deep.equal(before);
      });
    }

    const mergeId = await withStore(reference, async (store) =>
      (await mergesOf(store).find({ organisation, actor: 'crash-test' }))[0]._id.toHexString(),
    );
    const undoTemplate = freshDir();
    cpSync(reference, undoTemplate, { recursive: true });
    const fullUndo = await runChild(freshCopy(undoTemplate), [organisation.toHexString(), 'undo', mergeId], 0);
    expect(fullUndo.steps.length).to.be.greaterThan(3);
    for (let step = 1; step <= fullUndo.steps.length; step += 1) {
      const dir = freshCopy(undoTemplate);
      const outcome = await runChild(dir, [organisation.toHexString(), 'undo', mergeId], step);
      expect(outcome.killed).to.equal(true);
      await withStore(dir, async (store) => {
        // The killed child's lease has not expired (issue 12: leases); the test knows it is dead, like `recover --force`.
        const report = await recoverMerges(store, { takeOverLiveLeases: true });
        expect(report.undone).to.deep.equal(step === fullUndo.steps.length ? [] : [mergeId]);
        expect(await snapshot(store, organisation), `undo recovered after ${fullUndo.steps[step - 1]}`).to.deep.equal(before);
      });
    }

    function freshCopy(from: string): string {
      const dir = freshDir();
      cpSync(from, dir, { recursive: true });
      return dir;
    }
  });
});
