// `npm run bench [-- name ...]`: runs each benchmark module (all by default) and prints its figures.
// Every module exports one async function; sizes come from environment variables documented in the README.
const BENCHMARKS: Record<string, { module: string; run: string }> = {
  resolver: { module: './resolver.bench.ts', run: 'runResolverBench' },
  http: { module: './http.bench.ts', run: 'runHttpBench' },
  pipeline: { module: './pipeline.bench.ts', run: 'runPipelineBench' },
  identity: { module: './identity.bench.ts', run: 'runIdentityBench' },
  store: { module: './store.bench.ts', run: 'runStoreBench' },
  'identity-quality': { module: './identity-quality.bench.ts', run: 'runIdentityQualityBench' },
  startup: { module: './startup.bench.ts', run: 'runStartupBench' },
  ingest: { module: './ingest.bench.ts', run: 'runIngestBench' },
  'guard-rules': { module: './guard-rules.bench.ts', run: 'runGuardRulesBench' },
  load: { module: './load.bench.ts', run: 'runLoadBench' },
};

const requested = process.argv.slice(2);
const names = requested.length > 0 ? requested : Object.keys(BENCHMARKS);
for (const name of names) {
  const benchmark = BENCHMARKS[name];
  if (!benchmark) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== ${name} ===`);
  const module = await import(benchmark.module);
  await module[benchmark.run]({});
}
