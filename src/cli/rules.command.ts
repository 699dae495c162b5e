// `persona rules show` and `persona rules set FILE [--dry-run]`: the organisation's identity rules (name policy and
// guard rails) from the command line, validated by the same schema as PUT /v1/identity-rules. `set` prints the
// existing data the rules flag (never changed); with --dry-run nothing is saved. An invalid file is a usage error.
// Personas a changed name policy renames have their statements re-stamped, as after PUT /v1/identity-rules.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { IdentityRulesSchema } from '../features/identity-rules/identity-rules.routes.ts';
import { createIdentityRulesService, type IdentityRulesChange } from '../features/identity-rules/identity-rules.service.ts';
import { ApiError } from '../core/errors/api-error.ts';
import { parseWith } from '../http/validation.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { openCliWriteBackHooks } from './cli-write-back-hooks.ts';
import { CLI_ACTOR, identityOptions, reportError, withIdentity, type IdentityOptions } from './identity-cli.ts';

export function registerRulesCommand(program: Command): void {
  const rules = program
    .command('rules')
    .description("the organisation's identity rules: name policy, blocked values, per-kind limits, unique kinds");

  identityOptions(rules.command('show').description('print the rules as JSON (the defaults when never saved)')).action(
    async (_options: IdentityOptions, command: Command) => {
      const options = command.optsWithGlobals<IdentityOptions>();
      await withIdentity(options, async ({ store, organisation }) => {
        console.log(JSON.stringify(await createIdentityRulesService({ store }).get(organisation), null, options.json ? undefined : 2));
      });
    },
  );

  identityOptions(
    rules
      .command('set')
      .description('replace the rules with those of a JSON file (the body of PUT /v1/identity-rules); reports existing data they flag')
      .argument('<file>', 'a JSON file')
      .option('--dry-run', 'validate and report, save nothing'),
  ).action(async (file: string, _options: unknown, command: Command) => {
    const options = command.optsWithGlobals<IdentityOptions & { dryRun?: boolean }>();
    const input = await readRulesFile(file, options.json);
    if (input === undefined) return;
    await withIdentity(options, async ({ store, config, organisation }) => {
      // A changed name policy renames personas: their statements are re-stamped as after the API's PUT.
      const writeBack = await openCliWriteBackHooks(config, store);
      try {
        const change = await createIdentityRulesService({ store, onRenamed: writeBack.hooks.onRenamed }).put(
          organisation,
          input,
          CLI_ACTOR,
          { dryRun: options.dryRun === true },
        );
        console.log(options.json ? JSON.stringify(change) : describeChange(change));
      } finally {
        await writeBack.close();
      }
    });
  });
}

/** The file's rules, validated; undefined (usage error reported, exit 2) when unreadable, not JSON or invalid. */
async function readRulesFile(file: string, json?: boolean) {
  try {
    return parseWith(IdentityRulesSchema, JSON.parse(await readFile(file, 'utf8')), 'rules');
  } catch (error) {
    const problem =
      error instanceof ApiError
        ? error
        : { code: 'rules.failed_to_serialize', message: `cannot read ${file}: ${(error as Error).message}` };
    reportError(problem, json, EXIT_CODES.usage);
    return undefined;
  }
}

function describeChange(change: IdentityRulesChange): string {
  const lines = [
    `${change.dryRun ? 'dry run, nothing saved' : 'saved'}; ${change.renamed} persona(s) renamed; ${change.violations.count} existing violation(s)`,
  ];
  for (const violation of change.violations.listed) lines.push(`  ${violation.rule}: ${violation.message}`);
  return lines.join('\n');
}
