// `persona migrate`: creates every index of every collection (idempotent; the service also does it at start).
import type { Command } from 'commander';
import { ensureIndexes } from '../store/indexes.ts';
import { withStore } from './cli-store.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create every index (idempotent)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      await withStore(async (store) => {
        const names = await ensureIndexes(store);
        console.log(options.json ? JSON.stringify({ indexes: names }) : `indexes ensured (${names.length}):\n  ${names.join('\n  ')}`);
      });
    });
}
