// `persona migrate`: creates every index of every collection (idempotent; the service also does it at start).
import type { Command } from 'commander';
import { ensureAllIndexes } from '../features/all-indexes.ts';
import { withStore } from './cli-store.ts';
import { ensureUniqueAttributes, formatUniqueAttributesReport } from './migrate-attributes.ts';
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
        // A store an older version wrote has a non-unique attribute index (and maybe duplicates under it): replace it first.
        const attributes = await ensureUniqueAttributes(store);
        const names = await ensureAllIndexes(store, config);
        console.log(options.json
          ? JSON.stringify({ duplicateAttributes: attributes.duplicates, indexes: names })
          : `${formatUniqueAttributesReport(attributes).join('\n')}\nindexes ensured (${names.length}):\n  ${names.join('\n  ')}`);
      });
    });
}
