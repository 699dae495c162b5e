// A clone with nothing beside it must test itself: no file of the repository may read or cite a path outside it
// (the real-statement corpus lives in test/fixtures/xapi, the specifications in docs/spec).
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipped = new Set(['node_modules', '.git', 'data', 'coverage', 'dist']);
// A path into a sibling shared folder, written whole or joined from its segments.
const outside = /\.\.\/(?:\.\.\/)*shared\/|['"]\.\.['"],\s*(?:['"]\.\.['"],\s*)*['"]shared['"]/;

function* repositoryFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* repositoryFiles(path);
    else if (/\.(?:ts|js|json|md|yml|yaml|sh)$|^run$/.test(entry.name)) yield path;
  }
}

describe('repository is self-contained', () => {
  it('no file refers to the shared folder beside the clone', () => {
    const offenders = [...repositoryFiles(root)].filter((path) => outside.test(readFileSync(path, 'utf8')));
    expect(offenders.map((path) => path.slice(root.length))).to.deep.equal([]);
  });
});
