// `persona duplicates [--persona ID]`, `persona duplicates dismiss A B` and `persona duplicates auto-merge`: duplicate
// suggestions from the command line (the same service and index as GET /v1/duplicates); human output is one pair
// per line with its reasons.
import type { ObjectId } from 'bson';
import type { Command } from 'commander';
import type { DuplicatePair } from '../features/duplicates/duplicates.service.ts';
import { identityError } from '../core/errors/api-error.ts';
import { CLI_ACTOR, identityOptions, withIdentity, type IdentityOptions } from './identity-cli.ts';
import { parseId, parsePositiveInt, parseScore } from './cli-arguments.ts';

interface ListOptions extends IdentityOptions {
  persona?: ObjectId;
  minScore: number;
  limit: number;
}

export function registerDuplicatesCommand(program: Command): void {
  const duplicates = identityOptions(
    program
      .command('duplicates')
      .description('suggested duplicate personas, best first, with a score and the reasons')
      .option('--persona <id>', 'only the pairs of this persona', (value) => parseId(value, 'persona id'))
      .option('--min-score <x>', 'only pairs scoring at least this (0 to 1)', parseScore, 0)
      .option('--limit <n>', 'at most this many pairs', parsePositiveInt, 50),
  ).action(async (options: ListOptions) => {
    await withIdentity(options, async ({ organisation, duplicates: service }) => {
      const pairs = options.persona
        ? (await service.suggestionsFor(organisation, options.persona))
            .filter((pair) => pair.score >= options.minScore)
            .slice(0, options.limit)
        : await service.listDuplicates(organisation, { minScore: options.minScore, limit: options.limit });
      if (options.json) return void console.log(JSON.stringify({ data: pairs }));
      for (const pair of pairs) console.log(describePair(pair));
      console.log(`${pairs.length} pair(s)`);
    });
  });

  identityOptions(
    duplicates
      .command('dismiss')
      .description('mark two personas as "not a duplicate": the pair is never suggested again')
      .argument('<idA>', 'a persona', (value) => parseId(value, 'persona id'))
      .argument('<idB>', 'the other persona', (value) => parseId(value, 'persona id')),
  ).action(async (a: ObjectId, b: ObjectId, _options: IdentityOptions, command: Command) => {
    // Commander hands --json and --organisation to the parent `duplicates` when they follow `dismiss A B`.
    const options = command.optsWithGlobals<IdentityOptions>();
    await withIdentity(options, async ({ organisation, duplicates: service }) => {
      const dismissed = await service.dismiss(organisation, [[a, b]], CLI_ACTOR);
      console.log(options.json ? JSON.stringify({ dismissed }) : `dismissed ${a.toHexString()} / ${b.toHexString()}: not suggested again`);
    });
  });

  registerAutoMerge(duplicates);
}

/** `persona duplicates auto-merge`: POST /v1/duplicates/auto-merge from the command line (off unless AUTO_MERGE_CERTAIN). */
function registerAutoMerge(duplicates: Command): void {
  identityOptions(
    duplicates
      .command('auto-merge')
      .description('apply the auto-merge rules (AUTO_MERGE_CERTAIN=true): merge every certain pair into its older persona'),
  ).action(async (_options: IdentityOptions, command: Command) => {
    const options = command.optsWithGlobals<IdentityOptions>();
    await withIdentity(options, async ({ organisation, duplicates: service }) => {
      if (!service.isAutoMergeOn)
        throw identityError('duplicates.auto_merge_off', 'auto-merge rules are off (set AUTO_MERGE_CERTAIN=true)');
      const merges = await service.applyAutoMerges(organisation);
      if (options.json) return void console.log(JSON.stringify({ merges }));
      for (const id of merges) console.log(`merge ${id}: applied`);
      console.log(`${merges.length} merge(s)`);
    });
  });
}

function describePair(pair: DuplicatePair): string {
  const reasons = pair.reasons.map((reason) => `${reason.code} (${reason.detail})`).join('; ');
  return `${pair.personas[0]} ${pair.personas[1]}  score ${pair.score.toFixed(2)}${pair.isCertain ? ' certain' : ''}  ${reasons}`;
}
