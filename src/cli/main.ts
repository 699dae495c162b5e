// The `persona` command: one sub-command per file, registered here. Exit codes follow the project's one rule
// (exit-codes.ts): 2 for a usage or configuration error, 1 when a command ran but not everything succeeded.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { exitCodeFor, oneLineMessage } from '../exit-codes.ts';
import { registerIngestCommand } from './ingest.command.ts';
import { registerMigrateCommand } from './migrate.command.ts';
import { registerWorkerCommand } from './worker.command.ts';
import { registerJobsCommand } from './jobs.command.ts';
import { registerClientsCommand } from './clients.command.ts';
import { registerImportCommand } from './import.command.ts';
import { registerMergeCommands } from './merge.command.ts';
import { registerDuplicatesCommand } from './duplicates.command.ts';
import { registerErasureCommands } from './erasure.command.ts';
import { registerRulesCommand } from './rules.command.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

// Commander prints its own usage errors; errors thrown by a command's action are printed here (one line).
let hasCommanderPrinted = false;
const program = new Command('persona')
  .description('persona-resolver: resolve xAPI statement identifiers to personas')
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError()
  .configureOutput({ writeErr: (text) => { hasCommanderPrinted = true; process.stderr.write(text); } })
  // Before the sub-commands are added, so that they inherit it: usage errors throw instead of exiting with 1.
  .exitOverride();

registerIngestCommand(program);
registerMigrateCommand(program);
registerWorkerCommand(program);
registerJobsCommand(program);
registerClientsCommand(program);
registerImportCommand(program);
registerMergeCommands(program);
registerDuplicatesCommand(program);
registerErasureCommands(program);
registerRulesCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const exitCode = exitCodeFor(error);
  // --help and --version end here too (exit 0, already printed).
  if (exitCode !== 0 && !hasCommanderPrinted) console.error(`persona: ${oneLineMessage(error)}`);
  process.exitCode = exitCode;
}
