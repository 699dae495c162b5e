// Builds the admin web app (admin/ → admin/dist, served at /admin): writes the service's OpenAPI document, generates
// the app's API types from it (openapi-typescript), then bundles with Vite. Run by `npm install` (postinstall) and
// `npm start` (prestart, with --if-stale: only when a source is newer than the build), so a checkout serves /admin
// with no further step. Without the dev dependencies (a production install) it says so and leaves /admin unbuilt.
//   --types-only   stop after the types (what the admin type-check needs)
//   --if-stale     regenerate the types only when src/ changed since, rebuild only when an admin source (or the lock
//                  file) is newer than admin/dist
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const admin = join(root, 'admin');
const apiDir = join(admin, 'src', 'api', 'generated');
const builtIndex = join(admin, 'dist', 'index.html');
const flags = new Set(process.argv.slice(2));

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const mtimeOf = (path) => (existsSync(path) ? statSync(path).mtimeMs : -1);

/** The types follow the service's routes and schemas (src/); the bundle follows the app and its dependencies. */
const areTypesStale = () => newestMtime(join(root, 'src')) > mtimeOf(join(apiDir, 'schema.d.ts'));
const isBundleStale = () =>
  Math.max(
    ...[join(admin, 'src'), join(admin, 'index.html'), join(admin, 'vite.config.ts'), join(root, 'package-lock.json')].map(newestMtime),
  ) > mtimeOf(builtIndex);

async function writeTypes(openapiTS, astToString) {
  mkdirSync(apiDir, { recursive: true });
  const documentFile = join(apiDir, 'openapi.json');
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'write-openapi.ts'), documentFile], {
    cwd: root,
    stdio: 'inherit',
  });
  const ast = await openapiTS(new URL(`file://${documentFile}`));
  writeFileSync(
    join(apiDir, 'schema.d.ts'),
    `// Generated from the service's OpenAPI document by scripts/build-admin.js; do not edit.\n${astToString(ast)}`,
  );
}

async function main() {
  const onlyIfStale = flags.has('--if-stale');
  const needsTypes = !onlyIfStale || areTypesStale();
  if (flags.has('--types-only') && !needsTypes) return;
  if (!needsTypes && !isBundleStale()) return;
  let openapiTS, astToString, build;
  try {
    ({ default: openapiTS, astToString } = await import('openapi-typescript'));
    ({ build } = await import('vite'));
  } catch {
    console.warn('build-admin: vite/openapi-typescript are not installed (production install?); /admin stays unbuilt');
    return;
  }
  if (needsTypes) await writeTypes(openapiTS, astToString);
  if (flags.has('--types-only')) return;
  // Fresh types make the bundle stale too (they are among its sources).
  if (!onlyIfStale || isBundleStale()) await build({ root: admin, configFile: join(admin, 'vite.config.ts'), logLevel: 'warn' });
}

await main();
