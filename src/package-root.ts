// The checkout's (or installed package's) root directory, found from a module's own URL by walking up to the nearest
// package.json: a module runs from src/… through tsx and from dist/ or dist/chunks/… once compiled
// (scripts/build-dist.js), so a fixed number of '..' would be right in one layout only.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRootOf(moduleUrl: string): string {
  let directory = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`);
    directory = parent;
  }
  return directory;
}
