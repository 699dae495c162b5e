// Group commit in the embedded store: a write is acknowledged after a flush that began after its commit, and
// writers that commit while a flush runs share the next one instead of each paying for its own.
import { expect } from 'chai';
import { LmdbEnvironment } from '../../src/store/embedded/lmdb-environment.ts';
import { freshDataDir } from './temp-dir.ts';

interface SyncSpy {
  started: number;
  /** Commits (by key) already made when each flush began. */
  coveredAtStart: string[][];
}

/** Counts the flushes the environment asks LMDB for, and which committed keys each one can cover. */
function spyOnFlushes(environment: LmdbEnvironment, committed: string[]): SyncSpy {
  const spy: SyncSpy = { started: 0, coveredAtStart: [] };
  const root = environment.root as unknown as { sync(callback: (error?: unknown) => void): void };
  const sync = root.sync.bind(root);
  root.sync = (callback) => {
    spy.started += 1;
    spy.coveredAtStart.push([...committed]);
    sync(callback);
  };
  return spy;
}

describe('embedded store: group commit', () => {
  it('concurrent writers share flushes, and each is acknowledged only after a flush that covers its commit', async () => {
    const environment = new LmdbEnvironment({ dataDir: freshDataDir(), mapSizeGb: 1 });
    try {
      const committed: string[] = [];
      const spy = spyOnFlushes(environment, committed);
      const writers = Array.from({ length: 20 }, (_, index) => `key-${index}`);
      const acknowledgedAfter = new Map<string, number>();
      await Promise.all(writers.map(async (key, index) => {
        // Stagger the commits so that some land while a flush is already running.
        await new Promise((resolve) => setImmediate(resolve));
        if (index % 2 === 1) await new Promise((resolve) => setImmediate(resolve));
        environment.write(() => environment.catalogue.putSync(key, { index }));
        committed.push(key);
        await environment.durable();
        acknowledgedAfter.set(key, spy.started);
      }));
      expect(acknowledgedAfter.size).to.equal(writers.length);
      expect(spy.started, 'twenty writers must not need twenty flushes').to.be.within(1, 10);
      for (const [key, flushesStarted] of acknowledgedAfter) {
        const coveringFlush = spy.coveredAtStart.slice(0, flushesStarted).some((covered) => covered.includes(key));
        expect(coveringFlush, `${key} acknowledged before a flush that began after its commit`).to.equal(true);
      }
    } finally {
      await environment.close();
    }
  });
});
