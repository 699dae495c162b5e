// Temporary data directories for store tests, removed when the test run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

export function freshDataDir(prefix = 'persona-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});
