// `persona migrate`: creates every index of every collection (idempotent), with progress on stderr. The service only
// checks indexes at start (and builds them on a new, empty store), so on a database that holds data this is the step
// that builds them.
import type { Command } from 'commander';
import { withStore } from './cli-store.ts';
import { formatUniqueAttributesReport } from './migrate-attributes.ts';
import { buildEveryIndex } from './migrate-indexes.ts';
import { printIndexProgress } from './index-progress.ts';
import { runLearningLockerMigration } from './migrate-ll.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create every index (idempotent; progress on stderr)')
    .option('--json', 'print the result as JSON')
    .option('--from-learning-locker', 'first add canonical keys to a database Learning Locker wrote (reports collisions, deletes nothing)')
    .action(async (options: { json?: boolean; fromLearningLocker?: boolean }) => {
      if (options.fromLearningLocker) return runLearningLockerMigration(options);
      await withStore(
        async (store, config) => {
          const { attributes, indexes } = await buildEveryIndex(store, config, printIndexProgress());
          console.log(
            options.json
              ? JSON.stringify({ duplicateAttributes: attributes.duplicates, indexes })
              : `${formatUniqueAttributesReport(attributes).join('\n')}\nindexes ensured (${indexes.length}):\n  ${indexes.join('\n  ')}`,
          );
        },
        { checkIndexes: false },
      );
    });
}
