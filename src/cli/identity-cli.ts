// What the identity-management commands (merge, duplicates, export/erase) share: the services built over the
// configured store exactly as the API builds them (statement write-back and persona events included when
// configured), the organisation
// (--organisation or the default one), and errors printed with their stable code and exit code 1
// (2 for a usage error; exit-codes.ts).
import { loadStoreId, withStoreQueuePrefix } from '../queue/store-queue-prefix.ts';
import { ObjectId } from 'bson';
import type { Command } from 'commander';
import { parseOrganisationId } from './cli-arguments.ts';
import { compatErasureScrubbers } from '../compat/compat-surface.ts';
import type { Config } from '../config.ts';
import type { DuplicatesService } from '../features/duplicates/duplicates.service.ts';
import type { ErasureService } from '../features/erasure/erasure.service.ts';
import { ApiError } from '../core/errors/api-error.ts';
import { openMergeEvents } from '../queue/events-worker.ts';
import { createIdentityServices } from '../wiring/identity-feature.ts';
import type { IdentityWriteBack } from '../features/merges/identity-write-back.ts';
import { openIdentityWriteBack } from '../wiring/write-back-target.ts';
import { afterMergeChangeOf, type AfterMergeChange } from '../features/merges/merge-effects.ts';
import type { MergeService } from '../features/merges/merge.service.ts';
import { ensureDefaultOrganisation } from '../features/tenancy/default-organisation.ts';
import type { Store } from '../store/port.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { withStore } from './cli-store.ts';
import { stderrWarnings } from './stderr-warnings.ts';

/** The actor recorded in merge history and audit entries for commands run from the CLI. */
export const CLI_ACTOR = 'cli';

export interface IdentityOptions {
  organisation?: ObjectId;
  json?: boolean;
}

export interface IdentityContext {
  store: Store;
  config: Config;
  organisation: ObjectId;
  merges: MergeService;
  duplicates: DuplicatesService;
  erasure: ErasureService;
  /** What follows a merge or undo here (write-back, events), for recovery to run as the merge service does. */
  afterChange: AfterMergeChange | undefined;
}

/** Warnings of the CLI's background parts (the events publisher), on stderr like every other message. */
const CLI_LOGGER = {
  warn(fields: object, message?: string) {
    const err = (fields as { err?: string }).err;
    console.error(`persona: ${message ?? 'warning'}${err ? `: ${err}` : ''}`);
  },
};

/**
 * The effects of merges made from the command line, as the API has them (merge-effects.ts): statement write-back
 * when configured, and persona events when the queue would be on. The events publisher (and its Redis probe) is
 * opened at the first merge, so commands that merge nothing never wait for Redis.
 */
export async function openCliMergeEffects(
  givenConfig: Config,
  store: Store,
): Promise<{
  writeBack: IdentityWriteBack | null;
  onMergeChange: AfterMergeChange;
  afterChange: AfterMergeChange | undefined;
  close(): Promise<void>;
}> {
  const config = withStoreQueuePrefix(givenConfig, await loadStoreId(store));
  const target = await openIdentityWriteBack(config, store, stderrWarnings);
  let events: ReturnType<typeof openMergeEvents> | null = null;
  const onMergeChange: AfterMergeChange = async (record) => {
    events ??= openMergeEvents(config, CLI_LOGGER);
    await (await events)?.afterMergeChange(record);
  };
  const writeBack = target?.writeBack ?? null;
  return {
    writeBack,
    onMergeChange,
    afterChange: afterMergeChangeOf({ writeBack, onMergeChange }),
    async close() {
      await (await events?.catch(() => null))?.close();
      await target?.close();
    },
  };
}

/** Adds the options every identity command takes. */
export function identityOptions(command: Command): Command {
  return command
    .option('--organisation <id>', 'organisation id (default: the default organisation)', parseOrganisationId)
    .option('--json', 'machine-readable output (JSON; errors as a JSON line on stderr)');
}

/** Runs a command body over the identity services; an ApiError is reported with its code and exit code 1. */
export async function withIdentity(options: IdentityOptions, run: (context: IdentityContext) => Promise<void>): Promise<void> {
  try {
    await withStore(async (store, config) => {
      const organisation = options.organisation ?? (await ensureDefaultOrganisation(store)).organisation._id;
      const effects = await openCliMergeEffects(config, store);
      try {
        const { merges, duplicates, erasure } = createIdentityServices({
          store,
          writeBack: effects.writeBack,
          onMergeChange: effects.onMergeChange,
          identifyingAttributes: config.DUPLICATE_IDENTIFYING_ATTRIBUTES,
          autoMergeCertain: config.AUTO_MERGE_CERTAIN,
          // The scrubbers the API registers (app.ts): an erasure from here reaches the same copies.
          erasureScrubbers: compatErasureScrubbers(store),
        });
        await run({ store, config, organisation, merges, duplicates, erasure, afterChange: effects.afterChange });
      } finally {
        await effects.close();
      }
    });
  } catch (error) {
    // Identity rules refuse with registry codes (rules.limit_exceeded, rules.unique_kind): reported the same way.
    if (!(error instanceof ApiError)) throw error;
    reportError(error, options.json);
  }
}

/** Prints an error the way the commands do (stderr, the code first) and sets the exit code (exit-codes.ts: 1, or 2 for usage). */
export function reportError(
  error: { code: string; message: string; details?: Array<{ path: string; code: string; message: string }> },
  json?: boolean,
  exitCode: number = EXIT_CODES.incomplete,
): void {
  const details = error.details ?? [];
  if (json) {
    console.error(JSON.stringify({ error: { code: error.code, message: error.message, details } }));
  } else {
    console.error(`persona: ${error.code}: ${error.message}`);
    for (const detail of details) console.error(`  ${detail.path}: ${detail.code}: ${detail.message}`);
  }
  process.exitCode = exitCode;
}
