// CSV imports of personas: the file is checked whole (well-formed CSV, unique headers, a mapping valid for them)
// before anything is written, then streamed in batches (bounded memory at any file size) through import-batch.ts.
// Progress lives in the import document (collection personaImports); per-row errors in personaImportErrors, from
// which the errors CSV (row number, original columns, errors) is streamed.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ObjectId } from 'bson';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { COLLECTIONS } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { iterateInPages } from '../../store/iterate-in-pages.ts';
import { identityError } from '../../core/errors/api-error.ts';
import type { MergeRequest, MergeService } from '../merges/merge.service.ts';
import { writeImportBatch, type ImportRow } from './import-batch.ts';
import { dryRunImport, type ImportDryRun } from './import-dry-run.ts';
import { IMPORT_ERRORS_COLLECTION, tracesOf } from './import-error-traces.ts';
import { compileMapping, validateMapping, type ImportMapping } from './import-mapping.ts';
import { DEFAULT_IMPORT_LEASE_MS } from './interrupted-imports.ts';

export { IMPORT_ERRORS_COLLECTION } from './import-error-traces.ts';
const BATCH_ROWS = 500;

export interface ImportDoc {
  _id: ObjectId;
  organisation: ObjectId;
  title: string;
  actor: string;
  state: 'processing' | 'completed' | 'failed';
  headers: string[];
  mapping: ImportMapping;
  mergeConflicts: boolean;
  totalRows: number;
  processedRows: number;
  counts: { created: number; matched: number; merged: number; conflicts: number; errors: number };
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  failure: string | null;
  /** While processing: the import is abandoned (its process died) once this has passed (interrupted-imports.ts). */
  leaseUntil?: Date;
}

export interface StartImportRequest {
  organisation: ObjectId;
  filePath: string;
  mapping: unknown;
  title?: string;
  mergeConflicts?: boolean;
  actor: string;
}

export type ImportService = ReturnType<typeof createImportService>;

/** Merges a row's personas; an identity rule's refusal (rules.limit_exceeded, rules.unique_kind) is returned as the row's error text. */
async function mergeUnlessRuleRefuses(mergeService: MergeService, request: MergeRequest): Promise<string | null> {
  try {
    await mergeService.mergePersonas(request);
    return null;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('rules.')) return `${code}: ${(error as Error).message}`;
    throw error;
  }
}

const csvOptions = { bom: true, relax_column_count: false, skip_empty_lines: true, trim: false } as const;

/** Reads the whole file once without writing anything: headers, row count, and the first CSV error if any. */
export async function inspectCsv(filePath: string): Promise<{ headers: string[]; rows: number }> {
  let headers: string[] | null = null;
  let rows = 0;
  try {
    for await (const record of createReadStream(filePath).pipe(parse(csvOptions)) as AsyncIterable<string[]>) {
      if (headers === null) headers = record;
      else rows += 1;
    }
  } catch (error) {
    throw identityError('imports.malformed_csv', `the file is not valid CSV: ${(error as Error).message}`, [
      { path: 'file', code: 'imports.malformed_csv', message: (error as Error).message },
    ]);
  }
  if (!headers || headers.every((header) => header.trim() === ''))
    throw identityError('imports.malformed_csv', 'the file has no header row', [
      { path: 'file', code: 'imports.malformed_csv', message: 'no header row' },
    ]);
  const duplicate = headers.find((header, index) => headers!.indexOf(header) !== index);
  if (duplicate !== undefined)
    throw identityError('imports.malformed_csv', `duplicate column ${duplicate}`, [
      { path: 'file', code: 'imports.malformed_csv', message: `duplicate column ${duplicate}` },
    ]);
  return { headers, rows };
}

/** `leaseMs`: how long a running import's lease lasts (renewed three times per lease while it runs). */
export function createImportService({
  store,
  mergeService,
  leaseMs = DEFAULT_IMPORT_LEASE_MS,
}: {
  store: Store;
  mergeService: MergeService;
  leaseMs?: number;
}) {
  const imports = store.collection<ImportDoc>(COLLECTIONS.imports);
  const rowErrors = store.collection(IMPORT_ERRORS_COLLECTION);

  async function process(doc: ImportDoc, filePath: string, onProgress?: (doc: ImportDoc) => void): Promise<ImportDoc> {
    const toPlan = compileMapping(doc.mapping);
    const counts = { ...doc.counts };
    let processed = 0;
    let batch: ImportRow[] = [];
    let raw = new Map<number, Record<string, string>>();
    const flush = async () => {
      if (batch.length === 0) return;
      const outcomes = await writeImportBatch(store, doc.organisation, batch, { mergeConflicts: doc.mergeConflicts, actor: doc.actor });
      const plans = new Map(batch.map((row) => [row.index, row.plan]));
      const failed = [];
      for (const outcome of outcomes) {
        if (outcome.status === 'created') counts.created += 1;
        if (outcome.status === 'matched') counts.matched += 1;
        if (outcome.status === 'conflict') counts.conflicts += 1;
        if (outcome.status === 'error') counts.errors += 1;
        if (outcome.errors.length > 0) {
          failed.push({
            organisation: doc.organisation,
            importId: doc._id,
            row: outcome.index,
            status: outcome.status,
            errors: outcome.errors,
            data: raw.get(outcome.index),
            traces: tracesOf(plans.get(outcome.index)?.ifis ?? []),
          });
        }
        if (outcome.others.length > 0 && outcome.status !== 'conflict' && outcome.personaId) {
          const refusal = await mergeUnlessRuleRefuses(mergeService, {
            organisation: doc.organisation,
            targetId: outcome.personaId,
            sourceIds: outcome.others,
            actor: `import:${doc._id.toHexString()}`,
          });
          if (refusal === null) counts.merged += 1;
          else {
            // The row's identifiers were written; the merge an identity rule refuses is reported on the row.
            counts.errors += 1;
            failed.push({
              organisation: doc.organisation,
              importId: doc._id,
              row: outcome.index,
              status: 'error',
              errors: [refusal],
              data: raw.get(outcome.index),
              traces: tracesOf(plans.get(outcome.index)?.ifis ?? []),
            });
          }
        }
      }
      if (failed.length > 0) await rowErrors.insertMany(failed);
      processed += batch.length;
      const updated = await imports.findOneAndUpdate(
        { _id: doc._id, organisation: doc.organisation },
        { $set: { processedRows: processed, counts, updatedAt: new Date() } },
        { returnDocument: 'after' },
      );
      if (onProgress && updated) onProgress(updated);
      batch = [];
      raw = new Map();
    };
    // The lease says this process still runs the import; a renewal that fails (store busy) is retried at the next tick.
    const renewal = setInterval(
      () => {
        imports
          .updateOne(
            { _id: doc._id, organisation: doc.organisation, state: 'processing' },
            { $set: { leaseUntil: new Date(Date.now() + leaseMs) } },
          )
          .catch(() => {});
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    try {
      let index = 0;
      for await (const record of createReadStream(filePath).pipe(
        parse({ ...csvOptions, columns: doc.headers, from_line: 2 }),
      ) as AsyncIterable<Record<string, string>>) {
        index += 1;
        batch.push({ index, plan: toPlan(record) });
        raw.set(index, record);
        if (batch.length >= BATCH_ROWS) await flush();
      }
      await flush();
      const finished = { state: 'completed' as const, completedAt: new Date(), updatedAt: new Date() };
      await imports.updateOne({ _id: doc._id }, { $set: finished, $unset: { leaseUntil: '' } });
    } catch (error) {
      await imports.updateOne(
        { _id: doc._id },
        { $set: { state: 'failed', failure: (error as Error).message, updatedAt: new Date() }, $unset: { leaseUntil: '' } },
      );
    } finally {
      clearInterval(renewal);
    }
    return (await imports.findOne({ _id: doc._id }))!;
  }

  /** The file's headers, rows and validated mapping; throws 400/422 (nothing written) when either is malformed. */
  async function checkedFile(request: StartImportRequest): Promise<{ headers: string[]; rows: number; mapping: ImportMapping }> {
    const { headers, rows } = await inspectCsv(request.filePath);
    const { mapping, problems } = validateMapping(request.mapping, headers);
    if (!mapping)
      throw identityError(
        'imports.invalid_mapping',
        `the column mapping is invalid: ${problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}`,
        problems,
      );
    return { headers, rows, mapping };
  }

  return {
    /** What the import of this file would do, row by row (import-dry-run.ts); the same checks first, nothing written. */
    async dryRunImport(request: StartImportRequest): Promise<ImportDryRun> {
      const { headers, mapping } = await checkedFile(request);
      return dryRunImport(store, {
        organisation: request.organisation,
        filePath: request.filePath,
        headers,
        mapping,
        mergeConflicts: request.mergeConflicts ?? false,
        batchRows: BATCH_ROWS,
        csvOptions,
      });
    },

    /**
     * Validates file and mapping (throws 400/422 before anything is written), records the import and starts it.
     * `done` resolves with the finished import document.
     */
    async startImport(
      request: StartImportRequest,
      onProgress?: (doc: ImportDoc) => void,
    ): Promise<{ import: ImportDoc; done: Promise<ImportDoc> }> {
      const { headers, rows, mapping } = await checkedFile(request);
      const now = new Date();
      const doc: ImportDoc = {
        _id: new ObjectId(),
        organisation: request.organisation,
        title: request.title ?? 'import',
        actor: request.actor,
        state: 'processing',
        headers,
        mapping,
        mergeConflicts: request.mergeConflicts ?? false,
        totalRows: rows,
        processedRows: 0,
        counts: { created: 0, matched: 0, merged: 0, conflicts: 0, errors: 0 },
        createdAt: now,
        updatedAt: now,
        completedAt: null,
        failure: null,
        leaseUntil: new Date(now.getTime() + leaseMs),
      };
      await imports.insertOne(doc);
      return { import: doc, done: process(doc, request.filePath, onProgress) };
    },

    async getImport(organisation: ObjectId, id: ObjectId): Promise<ImportDoc> {
      const doc = await imports.findOne({ _id: id, organisation });
      if (!doc) throw identityError('imports.import_not_found', `import ${id.toHexString()} not found`);
      return doc;
    },

    /** The failing rows as CSV: `row`, the original columns, `errors` (joined by "; "), in row order. */
    async errorsCsv(organisation: ObjectId, id: ObjectId): Promise<Readable> {
      const doc = await this.getImport(organisation, id);
      // In pages, not one cursor: the stream advances only as fast as the client downloads (MongoDB's idle timeout).
      const entries = iterateInPages(rowErrors, { importId: id, organisation }, { sort: { importId: 1, row: 1 } });
      async function* records() {
        for await (const entry of entries) {
          yield [
            entry.row,
            ...doc.headers.map((header) => (entry.data as Record<string, string> | undefined)?.[header] ?? ''),
            (entry.errors as string[]).join('; '),
          ];
        }
      }
      // Streamed with back-pressure: an import of a million bad rows never sits in memory.
      return Readable.from(records()).pipe(stringify({ header: true, columns: ['row', ...doc.headers, 'errors'] }));
    },
  };
}

export const toImportView = (doc: ImportDoc) => ({
  id: doc._id.toHexString(),
  title: doc.title,
  state: doc.state,
  headers: doc.headers,
  mapping: doc.mapping,
  mergeConflicts: doc.mergeConflicts,
  totalRows: doc.totalRows,
  processedRows: doc.processedRows,
  counts: doc.counts,
  createdAt: doc.createdAt.toISOString(),
  completedAt: doc.completedAt?.toISOString() ?? null,
  failure: doc.failure,
});
