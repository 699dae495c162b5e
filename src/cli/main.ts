// The `persona` command: one sub-command per file, registered here.
import { Command } from 'commander';
import { registerIngestCommand } from './ingest.command.ts';
import { registerMigrateCommand } from './migrate.command.ts';
import { registerWorkerCommand } from './worker.command.ts';
import { registerJobsCommand } from './jobs.command.ts';
import { registerClientsCommand } from './clients.command.ts';
import { registerImportCommand } from './import.command.ts';
import { registerMergeCommands } from './merge.command.ts';
import { registerDuplicatesCommand } from './duplicates.command.ts';
import { registerErasureCommands } from './erasure.command.ts';

const program = new Command('persona')
  .description('persona-resolver: resolve xAPI statement identifiers to personas')
  .showHelpAfterError();

registerIngestCommand(program);
registerMigrateCommand(program);
registerWorkerCommand(program);
registerJobsCommand(program);
registerClientsCommand(program);
registerImportCommand(program);
registerMergeCommands(program);
registerDuplicatesCommand(program);
registerErasureCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`persona: ${(error as Error).message}`);
  process.exitCode = 1;
}
