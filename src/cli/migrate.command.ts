// `persona migrate`: creates every index of every collection (idempotent; the service also does it at start).
import type { Command } from 'commander';
import { ensureAllIndexes } from '../features/all-indexes.ts';
import { withStore } from './cli-store.ts';
import { runLearningLockerMigration } from './migrate-ll.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create every index (idempotent)')
    .option('--json', 'print the result as JSON')
    .option('--from-learning-locker', 'first add canonical keys to a database Learning Locker wrote (reports collisions, deletes nothing)')
    .action(async (options: { json?: boolean; fromLearningLocker?: boolean }) => {
      if (options.fromLearningLocker) return runLearningLockerMigration(options);
      await withStore(async (store, config) => {
        const names = await ensureAllIndexes(store, config);
        console.log(options.json ? JSON.stringify({ indexes: names }) : `indexes ensured (${names.length}):\n  ${names.join('\n  ')}`);
      });
    });
}
