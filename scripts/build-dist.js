// The compiled production build: bundles the three process entry points (API `src/main.ts`, queue worker
// `workers/statements.worker.ts`, `persona` CLI `src/cli/main.ts`) with esbuild into dist/ (not committed), so that
// no process transpiles TypeScript at start (tsx cost ~2.8 s of CPU per process on the 2-core machine). Packages stay
// external (node_modules is resolved at run time, native modules untouched); `splitting` keeps every lazily imported
// module (each CLI sub-command) in a chunk of its own, loaded only when used. Run by `npm install` (postinstall),
// `npm start` and `npm run worker` (pre-scripts, with --if-stale: only when a source is newer than the build).
// dist/ is replaced only here; bin/persona.js runs the source through tsx whenever the build is stale, so an edited
// checkout never runs old code.
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(root, 'dist');
/** dist/<name>.js ← source: what `npm start`, `npm run worker`, bin/persona.js and the Docker image run. */
export const ENTRY_POINTS = { main: 'src/main.ts', worker: 'workers/statements.worker.ts', cli: 'src/cli/main.ts' };
/** Written last by a build: its mtime is the build's, and its presence says the build completed. */
const STAMP = join(DIST, 'build-stamp.json');
/** Everything the bundle is made from: a newer file makes the build stale. */
const SOURCES = ['src', 'workers', 'package.json', 'package-lock.json', 'tsconfig.json'].map((name) => join(root, name));

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** True when dist/ holds a complete build at least as new as every source (a few ms: one stat per source file). */
export function isDistFresh() {
  if (!existsSync(STAMP)) return false;
  return statSync(STAMP).mtimeMs >= Math.max(...SOURCES.map(newestMtime));
}

export async function buildDist() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    console.warn('build-dist: esbuild is not installed; processes run the TypeScript source through tsx');
    return false;
  }
  if (!existsSync(join(root, 'src', 'main.ts'))) return false; // an install before the sources are copied (Dockerfile)
  // Built beside dist/ and swapped in whole, so a process starting meanwhile sees the old build or the new one.
  const staging = `${DIST}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outdir: staging,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  writeFileSync(join(staging, 'build-stamp.json'), `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`);
  const previous = `${DIST}.previous-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, previous);
  renameSync(staging, DIST);
  rmSync(previous, { recursive: true, force: true });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--if-stale') || !isDistFresh()) await buildDist();
}
