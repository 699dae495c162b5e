// What the identity guard rails cost the resolver (issue 15; target: < 10% with the default rules). The same
// synthetic corpus is resolved into fresh embedded stores of three organisations' rules, interleaved batch by batch
// in rotating order so that machine load hits every variant alike: no blocks at all (the reference, measured in the
// same run), the default blocks, and the defaults plus 100 exact values and 10 patterns. No statement is junk, so
// every variant writes the same and only the checks differ. Sizes: BENCH_RULES_STATEMENTS (100,000),
// BENCH_RULES_LEARNERS (20,000).
import { rmSync } from 'node:fs';
import { ObjectId } from 'bson';
import { compileGuardRules, DEFAULT_BLOCKS, DEFAULT_GUARD_RULES } from '../src/domain/guard-rules.ts';
import { toStoredIfi } from '../src/domain/xapi/index.ts';
import { COLLECTIONS } from '../src/domain/model.ts';
import { ensureAllIndexes } from '../src/wiring/all-indexes.ts';
import { createResolver } from '../src/features/resolver/resolver.service.ts';
import { openEmbeddedStore } from '../src/store/embedded/index.ts';
import type { Store } from '../src/store/port.ts';
import { makeTempDir } from '../test/support/temp-store.ts';
import { batchesOf, type CorpusOptions } from './corpus.ts';

const envInt = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const NO_BLOCKS = { blocked: { defaults: [], values: [], patterns: [] } };
const VARIANTS = {
  none: NO_BLOCKS,
  // The same rules as the reference again: how far two identical runs differ on this machine (the noise floor).
  'none again': NO_BLOCKS,
  defaults: { blocked: { defaults: [...DEFAULT_BLOCKS], values: [], patterns: [] } },
  custom: {
    blocked: {
      defaults: [...DEFAULT_BLOCKS],
      values: Array.from({ length: 100 }, (_, index) => ({ kind: 'mbox', value: `mailto:shared-${index}@example.org` })),
      patterns: Array.from({ length: 10 }, (_, index) => ({ kind: 'account', pattern: `^kiosk-${index}[0-9]+$`, flags: 'i' })),
    },
  },
} as const;

/** The default rules' check of every agent of the corpus, timed alone (what the resolver adds per identifier). */
function timeDefaultChecks(corpus: CorpusOptions): number {
  const guard = compileGuardRules(DEFAULT_GUARD_RULES);
  const ifis = [...batchesOf(corpus, 1000)].flat().map((statement) => toStoredIfi((statement as { actor: Record<string, unknown> }).actor));
  const started = performance.now();
  for (const ifi of ifis) guard.blockingRule(ifi);
  return performance.now() - started;
}

export async function runGuardRulesBench(): Promise<void> {
  const corpus: CorpusOptions = { statements: envInt('BENCH_RULES_STATEMENTS', 100_000), learners: envInt('BENCH_RULES_LEARNERS', 20_000) };
  const dataDir = makeTempDir('persona-bench-rules-');
  const runs: Array<{ name: keyof typeof VARIANTS; store: Store; ms: number; resolve: (batch: unknown[]) => Promise<unknown> }> = [];
  try {
    for (const name of Object.keys(VARIANTS) as Array<keyof typeof VARIANTS>) {
      const store = await openEmbeddedStore({ dataDir: `${dataDir}/${name}` });
      await ensureAllIndexes(store);
      const organisation = new ObjectId();
      await store.collection(COLLECTIONS.identityRules).insertOne({
        _id: organisation,
        organisation,
        namePolicy: 'first',
        limits: [],
        unique: [],
        ...VARIANTS[name],
        updatedAt: new Date(),
        updatedBy: 'bench',
      });
      const resolver = createResolver({ store, options: { includeAuthority: false, linkMboxSha1sum: true, batchSize: 1000 } });
      runs.push({ name, store, ms: 0, resolve: (batch) => resolver.resolveStatements(organisation, batch) });
    }
    let round = 0;
    for (const batch of batchesOf(corpus, 1000)) {
      round += 1;
      for (let step = 0; step < runs.length; step += 1) {
        const run = runs[(round + step) % runs.length];
        const started = performance.now();
        await run.resolve(batch);
        run.ms += performance.now() - started;
      }
    }
    const reference = runs[0].ms;
    const checkMs = timeDefaultChecks(corpus);
    console.log(`corpus: ${corpus.statements} statements over ${corpus.learners} learners`);
    for (const run of runs) {
      const rate = Math.round(corpus.statements / (run.ms / 1000));
      console.log(
        `rules ${run.name.padEnd(10)} ${rate.toLocaleString('en').padStart(9)} statements/s  cost vs no blocks: ${((run.ms / reference - 1) * 100).toFixed(1)}%${run.name === 'defaults' ? '  (target < 10%)' : ''}`,
      );
    }
    console.log(
      `the default rules' checks alone: ${checkMs.toFixed(0)} ms for the corpus's identifiers, ${((checkMs / reference) * 100).toFixed(1)}% of the reference's resolver time`,
    );
  } finally {
    for (const run of runs) await run.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
