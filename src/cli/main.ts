// The `persona` command: one sub-command per file, registered here. Exit codes follow the project's one rule
// (exit-codes.ts): 2 for a usage or configuration error, 1 when a command ran but not everything succeeded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { exitCodeFor, oneLineMessage } from '../exit-codes.ts';
import { packageRootOf } from '../package-root.ts';
import { loadRequestedCommands } from './lazy-commands.ts';

const { version } = JSON.parse(readFileSync(join(packageRootOf(import.meta.url), 'package.json'), 'utf8')) as { version: string };

// Commander prints its own usage errors; errors thrown by a command's action are printed here (one line).
let hasCommanderPrinted = false;
const program = new Command('persona')
  .description('persona-resolver: resolve xAPI statement identifiers to personas')
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError()
  .configureOutput({
    writeErr: (text) => {
      hasCommanderPrinted = true;
      process.stderr.write(text);
    },
  })
  // Before the sub-commands are added, so that they inherit it: usage errors throw instead of exiting with 1.
  .exitOverride();

try {
  await loadRequestedCommands(program, process.argv.slice(2));
  await program.parseAsync(process.argv);
} catch (error) {
  const exitCode = exitCodeFor(error);
  // --help and --version end here too (exit 0, already printed).
  if (exitCode !== 0 && !hasCommanderPrinted) console.error(`persona: ${oneLineMessage(error)}`);
  process.exitCode = exitCode;
}
