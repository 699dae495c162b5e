// `persona ingest` as a user runs it: the whole process (cold start included, from the compiled build), on a JSON-lines
// file of BENCH_INGEST_STATEMENTS (500,000) statements over BENCH_INGEST_LEARNERS (50,000) learners, against the
// ceiling measured in the same run: this process reading the same file line by line and JSON.parse-ing each line.
// Each --batch-size of BENCH_INGEST_BATCH_SIZES ("1000,10000": the default and a larger batch) is one run into a fresh
// store. Peak RSS and CPU seconds (user + system) come from GNU time when present: on a machine shared with other
// work, the CPU ratio (ceiling's CPU per statement / ingest's) is the steadier figure; wall-clock ratios move with the load.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildDist, isDistFresh } from '../scripts/build-dist.js';
import { makeTempDir } from '../test/support/temp-store.ts';
import { statementAt, type CorpusOptions } from './corpus.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GNU_TIME = '/usr/bin/time';
const envInt = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const rate = (count: number, ms: number): number => Math.round(count / (ms / 1000));

async function writeCorpus(file: string, corpus: CorpusOptions): Promise<void> {
  const out = createWriteStream(file);
  for (let index = 0; index < corpus.statements; index += 1) {
    if (!out.write(`${JSON.stringify(statementAt(index, corpus))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The ceiling: lines per second of reading the file and JSON.parse-ing every line, nothing else. */
async function measureParseRate(file: string): Promise<{ rate: number; cpuRate: number }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let lines = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    JSON.parse(line);
    lines += 1;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { rate: rate(lines, performance.now() - started), cpuRate: rate(lines, (cpu.user + cpu.system) / 1000) };
}

async function runIngest(
  file: string,
  dataDir: string,
  batchSize: number,
): Promise<{ ms: number; statements: number; peakRssMb: number | null; cpuMs: number | null }> {
  const args = ['dist/cli.js', 'ingest', '--json', '--batch-size', String(batchSize), file];
  const hasGnuTime = existsSync(GNU_TIME);
  const started = performance.now();
  const child = hasGnuTime
    ? spawn(GNU_TIME, ['-f', 'peak-rss-kb %M cpu-s %U %S', process.execPath, ...args], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, STORE: 'embedded' },
      })
    : spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, STORE: 'embedded' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'exit');
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`persona ingest exited ${code}: ${stderr}`);
  const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { resolved: number };
  const usage = /peak-rss-kb (\d+) cpu-s ([\d.]+) ([\d.]+)/.exec(stderr);
  return {
    ms,
    statements: summary.resolved,
    peakRssMb: usage ? Math.round(Number(usage[1]) / 1024) : null,
    cpuMs: usage ? (Number(usage[2]) + Number(usage[3])) * 1000 : null,
  };
}

export async function runIngestBench(): Promise<void> {
  const corpus: CorpusOptions = {
    statements: envInt('BENCH_INGEST_STATEMENTS', 500_000),
    learners: envInt('BENCH_INGEST_LEARNERS', 50_000),
  };
  const batchSizes = (process.env.BENCH_INGEST_BATCH_SIZES ?? '1000,10000').split(',').map(Number);
  if (!isDistFresh()) await buildDist();
  const root = makeTempDir('persona-ingest-bench-');
  try {
    const file = `${root}/statements.jsonl`;
    await writeCorpus(file, corpus);
    const ceiling = await measureParseRate(file);
    console.log(`corpus: ${corpus.statements} statements over ${corpus.learners} learners`);
    console.log(
      `ceiling (read + JSON.parse, this process): ${ceiling.rate.toLocaleString('en')} lines/s (${ceiling.cpuRate.toLocaleString('en')} per CPU second)`,
    );
    for (const batchSize of batchSizes) {
      const run = await runIngest(file, `${root}/store-${batchSize}`, batchSize);
      const ingestRate = rate(run.statements, run.ms);
      const cpuRatio = run.cpuMs === null ? '?' : (rate(run.statements, run.cpuMs) / ceiling.cpuRate).toFixed(3);
      console.log(
        `persona ingest --batch-size ${String(batchSize).padEnd(6)} ${ingestRate.toLocaleString('en').padStart(8)} statements/s whole process ` +
          `(${(run.ms / 1000).toFixed(1)} s, ${run.cpuMs === null ? '?' : (run.cpuMs / 1000).toFixed(1)} s CPU, peak RSS ${run.peakRssMb ?? '?'} MB): ` +
          `${(ingestRate / ceiling.rate).toFixed(3)} of the ceiling, ${cpuRatio} per CPU second (target ≥ 0.30, RSS < 1024 MB)`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
