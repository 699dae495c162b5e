// `persona doctor [--repair] [--force] [--json]`: checks the configured store (doctor/store-doctor.ts) and prints
// every problem found, one a line (or one JSON report). Exit 0 when nothing is left wrong (a clean store, or every
// problem repaired), 1 when a problem remains.
import type { Command } from 'commander';
import { runDoctor } from '../features/doctor/store-doctor.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { withStore } from './cli-store.ts';
import { openCliMergeEffects } from './identity-cli.ts';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check the store: index entries, orphan identifiers, identifiers on tombstones, tombstone chains, interrupted merges, duplicate identifiers and attribute keys',
    )
    .option(
      '--repair',
      'repair what is safe to repair (rebuild index entries, finish interrupted merges, re-create missing personas, move identifiers off tombstones, keep the newest of duplicate attributes); report the rest',
    )
    .option('--force', 'with --repair: also finish merges whose lease has not expired (only when their process is known to be dead)')
    .option('--json', 'print the report as one JSON document')
    .action(async (options: { repair?: boolean; force?: boolean; json?: boolean }) => {
      const report = await withStore(async (store, config) => {
        const effects = await openCliMergeEffects(config, store);
        try {
          return await runDoctor(store, { repair: options.repair, takeOverLiveLeases: options.force, afterChange: effects.afterChange });
        } finally {
          await effects.close();
        }
      });
      if (options.json) {
        console.log(JSON.stringify(report));
      } else {
        for (const problem of report.problems) {
          const where = `${problem.collection} ${problem.id}${problem.organisation ? ` (organisation ${problem.organisation})` : ''}`;
          console.log(`${problem.repaired ? 'repaired' : 'PROBLEM '} ${problem.code}: ${where}: ${problem.message}`);
        }
        console.log(
          report.clean ? 'store is clean' : `${report.problems.length} problem(s): ${report.repaired} repaired, ${report.unrepaired} left`,
        );
      }
      if (report.unrepaired > 0) process.exitCode = EXIT_CODES.incomplete;
    });
}
