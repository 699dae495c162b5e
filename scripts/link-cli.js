// npm links the bins of dependencies but not the package's own: link `persona` into node_modules/.bin
// so that `npx persona ...` works in a checkout right after `npm install`.
import { mkdirSync, rmSync, symlinkSync, chmodSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
const target = join(root, 'bin', 'persona.js');
mkdirSync(binDir, { recursive: true });
rmSync(join(binDir, 'persona'), { force: true });
symlinkSync(relative(binDir, target), join(binDir, 'persona'));
chmodSync(target, 0o755);
