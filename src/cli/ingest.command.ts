// `persona ingest FILE.jsonl` (or `-` for standard input): resolves JSON-lines statements in batches, with a progress
// bar on a terminal (ingest-progress.ts), lists rejected statements with their line numbers, and prints a summary (a
// JSON line with --json). Exit code 1 when a statement was rejected (exit-codes.ts).
import { createReadStream, existsSync, fstatSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ObjectId } from 'bson';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ResolutionResult } from '../core/resolution-result.ts';
import { ensureDefaultOrganisation } from '../features/tenancy/default-organisation.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { withStore } from './cli-store.ts';
import { parseOrganisationId, parsePositiveInt } from './cli-arguments.ts';
import { openApplication } from '../wiring/application.ts';
import { stderrWarnings } from './stderr-warnings.ts';
import { createIngestProgress, type IngestProgress } from './ingest-progress.ts';

interface IngestOptions {
  organisation?: ObjectId;
  batchSize: number;
  json?: boolean;
}

export interface IngestSummary {
  statements: number;
  resolved: number;
  rejected: number;
  personasCreated: number;
  identifiersCreated: number;
  seconds: number;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('resolve a JSON-lines file of xAPI statements')
    .argument('<file>', 'one statement per line; - reads standard input')
    .option('--organisation <id>', 'organisation id (default: the default organisation)', parseOrganisationId)
    .option('--batch-size <n>', 'statements per batch', parsePositiveInt, 1000)
    .option('--json', 'machine-readable output: rejections and the summary as JSON lines')
    .action(async (file: string, options: IngestOptions) => {
      if (file !== '-' && !existsSync(file)) throw new InvalidArgumentError(`${file}: no such file`);
      await withStore(async (store, config) => {
        const organisation = options.organisation ?? (await ensureDefaultOrganisation(store)).organisation._id;
        // The API's wiring: statements resolved here get the same after-resolution effects (write-back stamping,
        // persona events) as through the API or a worker.
        const application = await openApplication(config, store, {
          logger: { info() {}, warn: stderrWarnings.warn },
          queue: 'config',
          resolverBatchSize: options.batchSize,
          identityCache: true,
        });
        try {
          const summary = await ingestFile(file, options, (statements) =>
            application.resolution.resolveStatements(organisation, statements),
          );
          console.log(options.json ? JSON.stringify(summary) : formatSummary(summary));
          if (summary.rejected > 0) process.exitCode = EXIT_CODES.incomplete;
        } finally {
          await application.close();
        }
      });
    });
}

type ResolveBatch = (statements: unknown[]) => Promise<ResolutionResult>;

async function ingestFile(file: string, options: IngestOptions, resolveBatch: ResolveBatch): Promise<IngestSummary> {
  const started = performance.now();
  const summary: IngestSummary = { statements: 0, resolved: 0, rejected: 0, personasCreated: 0, identifiersCreated: 0, seconds: 0 };
  const { input, totalBytes } = openInput(file);
  const progress = createIngestProgress(totalBytes, options.json === true);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let batch: Array<{ line: number; statement: unknown }> = [];
  let lineNumber = 0;
  let bytesRead = 0;

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await resolveBatch(batch.map((entry) => entry.statement));
    result.results.forEach((statementResult, index) => {
      if (statementResult.error) reportRejection(progress, batch[index].line, statementResult.error, options.json);
    });
    summary.resolved += result.counts.resolved;
    summary.rejected += result.counts.rejected;
    summary.personasCreated += result.counts.personasCreated;
    summary.identifiersCreated += result.counts.identifiersCreated;
    batch = [];
    progress.advance(bytesRead, summary.statements);
  };

  try {
    await readLines();
  } finally {
    progress.stop();
  }
  summary.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  return summary;

  async function readLines(): Promise<void> {
    for await (const text of lines) {
      lineNumber += 1;
      bytesRead += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      summary.statements += 1;
      let statement: unknown;
      try {
        statement = JSON.parse(text);
      } catch (error) {
        summary.rejected += 1;
        reportRejection(
          progress,
          lineNumber,
          { code: 'statements.failed_to_serialize', path: '(statement)', message: `not JSON: ${(error as Error).message}` },
          options.json,
        );
        continue;
      }
      batch.push({ line: lineNumber, statement });
      if (batch.length >= options.batchSize) await flush();
    }
    await flush();
  }
}

/** The file, or standard input for `-`; its size when known (a file, or standard input redirected from one). */
function openInput(file: string): { input: Readable; totalBytes: number | null } {
  if (file !== '-') return { input: createReadStream(file), totalBytes: statSync(file).size };
  const stdin = fstatSync(0);
  return { input: process.stdin, totalBytes: stdin.isFile() ? stdin.size : null };
}

function reportRejection(
  progress: IngestProgress,
  line: number,
  error: { code: string; path: string; message: string },
  json: boolean | undefined,
): void {
  progress.report(
    json ? JSON.stringify({ line, rejected: error }) : `line ${line}: rejected (${error.code}) ${error.path}: ${error.message}`,
  );
}

function formatSummary(summary: IngestSummary): string {
  return (
    `${summary.statements} statements: ${summary.resolved} resolved, ${summary.rejected} rejected; ` +
    `${summary.personasCreated} personas and ${summary.identifiersCreated} identifiers created in ${summary.seconds}s`
  );
}
