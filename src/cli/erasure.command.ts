// `persona export ID [--out FILE]` and `persona erase ID --yes`: GDPR access and erasure from the command line (the
// same service as GET /v1/personas/{id}/export and POST /v1/personas/{id}/erase). Erasure cannot be undone, so it
// refuses to run without --yes; the audit entry records the actor `cli`.
import { EXIT_CODES } from '../exit-codes.ts';
import { writeFile } from 'node:fs/promises';
import type { ObjectId } from 'bson';
import type { Command } from 'commander';
import { CLI_ACTOR, identityOptions, reportError, withIdentity, type IdentityOptions } from './identity-cli.ts';
import { parseId } from './cli-arguments.ts';

export function registerErasureCommands(program: Command): void {
  identityOptions(
    program
      .command('export')
      .description('everything stored about a persona, as one JSON document (GDPR access)')
      .argument('<personaId>', 'the persona', (value) => parseId(value, 'persona id'))
      .option('--out <file>', 'write the document to this file instead of stdout'),
  ).action(async (personaId: ObjectId, options: IdentityOptions & { out?: string }) => {
    await withIdentity(options, async ({ organisation, erasure }) => {
      const document = await erasure.exportPersona(organisation, personaId);
      const text = JSON.stringify(document, null, 2);
      if (!options.out) return void console.log(text);
      await writeFile(options.out, `${text}\n`);
      const summary = {
        personaId: document.persona.id,
        out: options.out,
        identifiers: document.identifiers.length,
        attributes: document.attributes.length,
        links: document.links.length,
        merges: document.merges.length,
      };
      console.log(
        options.json
          ? JSON.stringify(summary)
          : `exported persona ${summary.personaId} to ${summary.out}: ${summary.identifiers} identifier(s), ${summary.attributes} attribute(s), ${summary.links} link(s), ${summary.merges} merge(s)`,
      );
    });
  });

  identityOptions(
    program
      .command('erase')
      .description('erase a persona, the personas merged into it, and everything that identifies them (cannot be undone)')
      .argument('<personaId>', 'the persona', (value) => parseId(value, 'persona id'))
      .option('--yes', 'confirm the erasure'),
  ).action(async (personaId: ObjectId, options: IdentityOptions & { yes?: boolean }) => {
    if (!options.yes) {
      return reportError(
        { code: 'cli.confirmation_required', message: `erasing persona ${personaId.toHexString()} cannot be undone; run again with --yes` },
        options.json,
        EXIT_CODES.usage,
      );
    }
    await withIdentity(options, async ({ organisation, erasure }) => {
      const report = await erasure.erasePersona({ organisation, personaId, actor: CLI_ACTOR });
      const { counts } = report;
      console.log(
        options.json
          ? JSON.stringify(report)
          : `erased persona ${report.personaId}: ${counts.personas} persona(s), ${counts.identifiers} identifier(s), ${counts.emailClaims} email claim(s), ` +
              `${counts.attributes} attribute(s), ${counts.links} link(s); ${counts.mergeRecords} merge record(s) scrubbed`,
      );
    });
  });
}
