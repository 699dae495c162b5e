// `persona import FILE.csv --mapping MAPPING`: imports personas from a CSV file with a column mapping (a JSON file
// or inline JSON; see src/features/imports/import-mapping.ts), with a progress bar on a terminal; writes the failing
// rows to an errors CSV when asked and prints a summary (a JSON line with --json). Exit code 1 when rows failed.
import { existsSync, readFileSync, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ObjectId } from 'bson';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { toImportView, type ImportService } from '../features/imports/imports.service.ts';
import { createIdentityServices } from '../wiring/identity-feature.ts';
import { ensureDefaultOrganisation } from '../features/tenancy/default-organisation.ts';
import { withStore } from './cli-store.ts';
import { openCliMergeEffects } from './identity-cli.ts';
import { parseOrganisationId } from './cli-arguments.ts';

interface ImportOptions {
  mapping: string;
  organisation?: ObjectId;
  mergeConflicts?: boolean;
  errors?: string;
  title?: string;
  json?: boolean;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import personas from a CSV file')
    .argument('<file>', 'CSV file with a header row')
    .requiredOption(
      '--mapping <json-or-file>',
      'column mapping: {"columns": {"<header>": {"type": "mbox" | "mbox_sha1sum" | "openid" | "account_name" | ...}}}',
    )
    .option('--organisation <id>', 'organisation id (default: the default organisation)', parseOrganisationId)
    .option('--merge-conflicts', 'merge the personas of a row whose identifiers belong to different personas (default: report)')
    .option('--errors <file>', 'write the failing rows (row number, columns, errors) to this CSV file')
    .option('--title <title>', 'title of the import')
    .option('--json', 'print the summary as one JSON line')
    .action(async (file: string, options: ImportOptions) => {
      const mapping = readMapping(options.mapping);
      await withStore(async (store, config) => {
        const organisation = options.organisation ?? (await ensureDefaultOrganisation(store)).organisation._id;
        // --merge-conflicts merges: with their write-back and events, as every merge.
        const effects = await openCliMergeEffects(config, store);
        try {
          const { imports } = createIdentityServices({ store, writeBack: effects.writeBack, onMergeChange: effects.onMergeChange });
          await runImport(imports, organisation, file, mapping, options);
        } finally {
          await effects.close();
        }
      });
    });
}

async function runImport(
  service: ImportService,
  organisation: ObjectId,
  file: string,
  mapping: unknown,
  options: ImportOptions,
): Promise<void> {
  const bar =
    process.stderr.isTTY && !options.json
      ? new SingleBar({ format: 'import [{bar}] {percentage}% | {value}/{total} rows | {eta}s' }, Presets.shades_classic)
      : null;
  const { import: started, done } = await service.startImport(
    { organisation, filePath: file, mapping, title: options.title ?? file, mergeConflicts: options.mergeConflicts, actor: 'cli' },
    (progress) => bar?.update(progress.processedRows),
  );
  bar?.start(started.totalRows, 0);
  const finished = await done;
  bar?.stop();
  if (options.errors) await pipeline(await service.errorsCsv(organisation, finished._id), createWriteStream(options.errors));
  const view = toImportView(finished);
  if (options.json) console.log(JSON.stringify(view));
  else
    console.log(
      `import ${view.id}: ${view.state}; ${view.processedRows}/${view.totalRows} rows; created ${view.counts.created}, matched ${view.counts.matched}, merged ${view.counts.merged}, conflicts ${view.counts.conflicts}, errors ${view.counts.errors}${view.failure ? `; failure: ${view.failure}` : ''}`,
    );
  if (finished.state !== 'completed' || view.counts.errors + view.counts.conflicts > 0) process.exitCode = 1;
}

function readMapping(value: string): unknown {
  const textValue = value.trim().startsWith('{') ? value : existsSync(value) ? readFileSync(value, 'utf8') : null;
  if (textValue === null) throw new InvalidArgumentError(`--mapping: ${value} is neither JSON nor a file`);
  try {
    return JSON.parse(textValue);
  } catch (error) {
    throw new InvalidArgumentError(`--mapping: not valid JSON (${(error as Error).message})`);
  }
}
