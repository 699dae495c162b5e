// `persona export-pseudonymised [--out FILE]`: the organisation's personas as pseudonymised JSON lines (the same
// lines as GET /v1/personas/export?pseudonymised=true), to a file or stdout, with a progress bar on a terminal
// (stderr). Pseudonymisation must be on for the organisation (PUT /v1/pseudonymisation); otherwise exit 1 with
// pseudonyms.not_enabled.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { COLLECTIONS } from '../domain/model.ts';
import { pseudonymiserOf } from '../features/pseudonyms/pseudonym-keys.ts';
import { pseudonymisedOrganisationExport } from '../features/pseudonyms/pseudonymised-export.ts';
import { identityOptions, reportError, withIdentity, type IdentityOptions } from './identity-cli.ts';

export function registerPseudonymisedExportCommand(program: Command): void {
  identityOptions(
    program
      .command('export-pseudonymised')
      .description(
        'every persona of the organisation as pseudonymised JSON lines (identifiers, names and ids replaced by keyed pseudonyms)',
      )
      .option('--out <file>', 'write the lines to this file instead of stdout'),
  ).action(async (options: IdentityOptions & { out?: string }) => {
    await withIdentity(options, async ({ store, organisation }) => {
      const pseudonyms = await pseudonymiserOf(store, organisation);
      if (!pseudonyms) {
        return reportError(
          {
            code: 'pseudonyms.not_enabled',
            message: 'pseudonymisation is off for this organisation; turn it on with PUT /v1/pseudonymisation {"enabled": true}',
          },
          options.json,
        );
      }
      const total = await store.collection(COLLECTIONS.personas).countDocuments({ organisation, mergedInto: { $exists: false } });
      const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
      // A bar only when someone watches stderr and the lines do not go to that same terminal.
      const bar =
        process.stderr.isTTY && !options.json && (options.out || !process.stdout.isTTY)
          ? new SingleBar(
              { format: 'export [{bar}] {percentage}% | {value}/{total} personas | ETA {eta_formatted}', stream: process.stderr },
              Presets.shades_classic,
            )
          : null;
      bar?.start(total, 0);
      let written = 0;
      for await (const batch of pseudonymisedOrganisationExport(store, organisation, pseudonyms)) {
        if (!out.write(batch.map((line) => `${JSON.stringify(line)}\n`).join(''))) await once(out, 'drain');
        written += batch.length;
        bar?.update(written);
      }
      bar?.stop();
      if (options.out) {
        out.end();
        await once(out, 'finish');
        const summary = { out: options.out, personas: written, keyId: pseudonyms.keyId };
        console.log(
          options.json
            ? JSON.stringify(summary)
            : `exported ${written} pseudonymised persona(s) to ${options.out} (key ${pseudonyms.keyId})`,
        );
      }
    });
  });
}
