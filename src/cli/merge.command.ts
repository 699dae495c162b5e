// `persona merge TARGET SOURCE...` and `persona merges list|undo|recover`: the merge service from the command line
// (same validations, codes and history as POST /v1/personas/{id}/merge; the actor recorded is `cli`). Human output
// says what moved; --json prints the merge record as the API answers it.
import type { ObjectId } from 'bson';
import type { Command } from 'commander';
import { COLLECTIONS, type IdentifierDoc } from '../domain/model.ts';
import type { MergeView } from '../features/merges/merge-record.ts';
import { recoverMerges } from '../features/merges/merge-recovery.ts';
import type { Store } from '../store/port.ts';
import { CLI_ACTOR, identityOptions, withIdentity, type IdentityOptions } from './identity-cli.ts';
import { idList, parseId, parsePositiveInt } from './cli-arguments.ts';

/** Moved identifiers named one per line in human output, up to this many. */
const SHOWN_IDENTIFIERS = 20;

export function registerMergeCommands(program: Command): void {
  identityOptions(
    program
      .command('merge')
      .description('merge personas into a target: their identifiers, attributes, links and email claims move to it')
      .argument('<targetId>', 'the persona that remains', (value) => parseId(value, 'persona id'))
      .argument('<sourceId...>', 'personas merged into the target (they become tombstones)', idList('persona id')),
  ).action(async (targetId: ObjectId, sourceIds: ObjectId[], options: IdentityOptions) => {
    await withIdentity(options, async ({ store, organisation, merges }) => {
      const merge = await merges.mergePersonas({ organisation, targetId, sourceIds, actor: CLI_ACTOR });
      console.log(options.json ? JSON.stringify(merge) : await describeMerge(store, organisation, merge));
    });
  });

  const group = program.command('merges').description('merge history, undo and recovery');

  identityOptions(
    group
      .command('list')
      .description('the merge history, newest first')
      .option('--persona <id>', 'only merges whose target or sources include this persona', (value) => parseId(value, 'persona id'))
      .option('--limit <n>', 'at most this many merges', parsePositiveInt, 20),
  ).action(async (options: IdentityOptions & { persona?: ObjectId; limit: number }) => {
    await withIdentity(options, async ({ organisation, merges }) => {
      const page = await merges.listMerges({ organisation, persona: options.persona, limit: options.limit });
      if (options.json) return void console.log(JSON.stringify(page));
      for (const merge of page.data) console.log(summaryLine(merge));
      console.log(`${page.data.length} of ${page.total} merge(s)`);
    });
  });

  identityOptions(
    group
      .command('undo')
      .description('undo a merge: the sources get back exactly what they had (refused when any of it changed since)')
      .argument('<mergeId>', 'the merge to undo', (value) => parseId(value, 'merge id')),
  ).action(async (mergeId: ObjectId, options: IdentityOptions) => {
    await withIdentity(options, async ({ organisation, merges }) => {
      const merge = await merges.undoMerge({ organisation, mergeId, actor: CLI_ACTOR });
      console.log(
        options.json
          ? JSON.stringify(merge)
          : `merge ${merge.id}: ${merge.state}; ${merge.sources.join(', ')} restored from ${merge.target} (${counts(merge)})`,
      );
    });
  });

  identityOptions(
    group
      .command('recover')
      .description(
        'complete merges and undos a crash interrupted (the server also does this at start-up); a merge whose process still renews its lease is left to it',
      )
      .option('--stale-seconds <n>', 'only records untouched for this long', parsePositiveInt)
      .option('--force', 'also take merges whose lease has not expired yet (only when the process that owns them is known to be dead)'),
  ).action(async (options: IdentityOptions & { staleSeconds?: number; force?: boolean }) => {
    await withIdentity(options, async ({ store, afterChange }) => {
      // Recovery spans every organisation: an interrupted merge is completed whoever started it.
      const report = await recoverMerges(store, {
        staleMs: (options.staleSeconds ?? 0) * 1000,
        takeOverLiveLeases: options.force === true,
        afterChange,
      });
      if (options.json) return void console.log(JSON.stringify(report));
      for (const id of report.completed) console.log(`merge ${id}: completed`);
      for (const id of report.undone) console.log(`merge ${id}: undo completed`);
      for (const id of report.abandoned) console.log(`merge ${id}: abandoned (interrupted before anything was written)`);
      for (const id of report.announced) console.log(`merge ${id}: write-back and event completed`);
      console.log(
        `recovered ${report.completed.length + report.undone.length + report.abandoned.length + report.announced.length} merge(s)`,
      );
    });
  });
}

function counts(merge: MergeView): string {
  const { moved } = merge;
  return (
    `${moved.identifiers.length} identifier(s), ${moved.attributes.length} attribute(s), ${moved.links.length} link(s), ` +
    `${moved.emailClaims.length} email claim(s), ${moved.tombstones.length} older tombstone(s)`
  );
}

function summaryLine(merge: MergeView): string {
  const reason = merge.reason ? ` (${merge.reason})` : '';
  return `${merge.id}  ${merge.createdAt}  ${merge.state}${reason}  ${merge.sources.join(',')} -> ${merge.target}  by ${merge.actor}; ${counts(merge)}${merge.erased ? '; erased' : ''}`;
}

async function describeMerge(store: Store, organisation: ObjectId, merge: MergeView): Promise<string> {
  const lines = [`merge ${merge.id}: ${merge.state}; ${merge.sources.join(', ')} -> ${merge.target}`, `moved ${counts(merge)}`];
  const shown = merge.moved.identifiers.slice(0, SHOWN_IDENTIFIERS);
  if (shown.length > 0) {
    const ids = shown.map((entry) => entry.id);
    const docs = await store
      .collection<IdentifierDoc>(COLLECTIONS.identifiers)
      .find({ organisation, _id: { $in: ids.map((id) => parseId(id, 'identifier id')) } });
    const byId = new Map(docs.map((doc) => [doc._id.toHexString(), doc]));
    for (const entry of shown) {
      const ifi = byId.get(entry.id)?.ifi;
      lines.push(
        `  identifier ${entry.id} ${ifi ? `${ifi.key} ${typeof ifi.value === 'string' ? ifi.value : JSON.stringify(ifi.value)}` : '(gone)'} from ${entry.source}`,
      );
    }
    if (merge.moved.identifiers.length > shown.length)
      lines.push(`  ... and ${merge.moved.identifiers.length - shown.length} more (--json lists them all)`);
  }
  for (const conflict of merge.moved.attributeConflicts) {
    lines.push(
      `  attribute ${conflict.key}: kept the target's ${JSON.stringify(conflict.targetValue)}, the source's ${JSON.stringify(conflict.sourceValue)} is in the merge record`,
    );
  }
  for (const conflict of merge.moved.linkConflicts) {
    lines.push(`  link ${conflict.recTypeName} ${conflict.recId}: the target already had it; the source's is in the merge record`);
  }
  return lines.join('\n');
}
