// npm 11 warns on install about every dependency whose install script no `allowScripts` entry covers (and a later
// npm blocks them): the lockfile says which packages have one, and package.json must decide for each of them.
// Scarf's telemetry is refused twice: its script is denied, and scarfSettings turns it off for npm versions that
// still run every script (npm 10, which Node 20 ships).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';

interface PackageJson {
  allowScripts?: Record<string, boolean>;
  scarfSettings?: { enabled?: boolean };
}
interface PackageLock {
  packages: Record<string, { hasInstallScript?: boolean }>;
}

const readJson = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../${name}`, import.meta.url), 'utf8')) as T;
const manifest = readJson<PackageJson>('package.json');
const lock = readJson<PackageLock>('package-lock.json');

/** "node_modules/a/node_modules/@scope/b" → "@scope/b": allowScripts entries name packages, not their paths. */
const packageName = (lockPath: string): string => lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('install scripts and telemetry (package.json)', () => {
  it('allowScripts decides for every locked dependency that has an install script', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
      .map(([path]) => packageName(path));
    expect(withScripts).to.have.length.greaterThan(0);
    const undecided = withScripts.filter((name) => typeof manifest.allowScripts?.[name] !== 'boolean');
    expect(undecided).to.deep.equal([]);
  });

  it('native modules may build, telemetry may not', () => {
    expect(manifest.allowScripts).to.include({ lmdb: true, 'msgpackr-extract': true, '@scarf/scarf': false });
    expect(manifest.scarfSettings?.enabled).to.equal(false);
  });
});
