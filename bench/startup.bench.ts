// Start-up: `persona --help` and a cold API start to its first `/health` answer (empty embedded store, first start),
// each run from the compiled build (dist/, scripts/build-dist.js) and from the TypeScript source through tsx (what
// every process did before the build), alternated in one run so both see the same machine load. Wall-clock medians.
// Runs: BENCH_STARTUP_RUNS (default 5).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDist, isDistFresh } from '../scripts/build-dist.js';
import { makeTempDir } from '../test/support/temp-store.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VARIANTS = {
  build: { help: ['dist/cli.js', '--help'], api: ['dist/main.js'] },
  source: { help: ['--import', 'tsx', 'src/cli/main.ts', '--help'], api: ['--import', 'tsx', 'src/main.ts'] },
} as const;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Milliseconds from spawning `node args` to its exit, or with `untilReady` to that promise (then the child is killed). */
async function timeProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  untilReady?: () => Promise<void>,
): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (untilReady) await untilReady();
  else await exited;
  const wallMs = performance.now() - started;
  child.kill('SIGKILL');
  await exited;
  return wallMs;
}

async function firstHealth(port: number): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function runStartupBench(): Promise<void> {
  if (!isDistFresh()) await buildDist();
  const runs = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
  const samples: Record<string, number[]> = {};
  const add = (name: string, wallMs: number) => {
    (samples[name] ??= []).push(wallMs);
  };
  for (let run = 0; run < runs; run += 1) {
    for (const [variant, commands] of Object.entries(VARIANTS)) {
      add(`${variant} persona --help`, await timeProcess(commands.help));
      const dataDir = makeTempDir('persona-startup-bench-');
      const port = 18_700 + run;
      try {
        const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), QUEUE: 'inline', LOG_LEVEL: 'warn' };
        add(`${variant} cold start to /health`, await timeProcess(commands.api, env, () => firstHealth(port)));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  for (const [name, list] of Object.entries(samples)) {
    console.log(`${name.padEnd(36)} median ${median(list).toFixed(0).padStart(6)} ms  (${runs} runs)`);
  }
  const ratio = (what: string) => (median(samples[`build ${what}`]) / median(samples[`source ${what}`])).toFixed(2);
  console.log(
    `build / source: --help ${ratio('persona --help')}, cold start ${ratio('cold start to /health')}  (targets: --help < 500 ms, /health < 1500 ms)`,
  );
}
