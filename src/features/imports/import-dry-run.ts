// The dry run of a CSV import (POST /v1/imports?dryRun=true): every row is planned exactly as the import plans it
// (import-batch.ts, the same batches, guard rails and conflict rules), nothing is written, and the answer says per
// row what the import would do: create a persona, update one, or refuse the row (with the code and the reason). A
// row that would merge personas (mergeConflicts) names them, and the identity rule that would refuse that merge.
import type { ObjectId } from 'bson';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { Store } from '../../store/port.ts';
import { findMergeRuleRefusal } from '../identity-rules/merge-guard.ts';
import { newDryRunPlan, writeImportBatch, type ImportRow, type RowOutcome } from './import-batch.ts';
import { compileMapping, type ImportMapping } from './import-mapping.ts';

/** Rows listed in the answer (the counts cover every row): a million-row file must not become a million-entry answer. */
export const MAX_LISTED_DRY_RUN_ROWS = 10_000;

export interface DryRunRowError {
  /** `imports.invalid_row` (a cell the mapping refuses, no identifier), `imports.row_conflict`, or an identity rule's `rules.*`. */
  code: string;
  message: string;
}

export interface DryRunRow {
  /** 1-based data row number (the header is row 0), as in the errors CSV of an import. */
  row: number;
  outcome: 'created' | 'updated' | 'refused';
  /** The persona the row would write to; for a persona the import would create, an id that holds only within this report. */
  persona: string | null;
  /** Personas merged into `persona` (mergeConflicts); empty otherwise. */
  merges: string[];
  errors: DryRunRowError[];
}

export interface ImportDryRun {
  dryRun: true;
  totalRows: number;
  counts: { created: number; updated: number; refused: number; merges: number };
  rows: DryRunRow[];
  rowsTruncated: boolean;
}

export interface ImportDryRunRequest {
  organisation: ObjectId;
  filePath: string;
  headers: string[];
  mapping: ImportMapping;
  mergeConflicts: boolean;
  batchRows: number;
  csvOptions: Record<string, unknown>;
}

/** Error texts of import rows are `<code>: <reason>` for the identity rules; the rest get the import's row codes. */
function rowError(text: string, status: RowOutcome['status']): DryRunRowError {
  const coded = /^(rules\.[a-z_]+): (.*)$/s.exec(text);
  if (coded) return { code: coded[1], message: coded[2] };
  return { code: status === 'conflict' ? 'imports.row_conflict' : 'imports.invalid_row', message: text };
}

export async function dryRunImport(store: Store, request: ImportDryRunRequest): Promise<ImportDryRun> {
  const toPlan = compileMapping(request.mapping);
  const plan = newDryRunPlan();
  const report: ImportDryRun = {
    dryRun: true,
    totalRows: 0,
    counts: { created: 0, updated: 0, refused: 0, merges: 0 },
    rows: [],
    rowsTruncated: false,
  };
  const add = (row: DryRunRow) => {
    report.counts[row.outcome] += 1;
    if (report.rows.length < MAX_LISTED_DRY_RUN_ROWS) report.rows.push(row);
    else report.rowsTruncated = true;
  };
  let batch: ImportRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const outcomes = await writeImportBatch(store, request.organisation, batch, {
      mergeConflicts: request.mergeConflicts,
      actor: 'dry-run',
      dryRun: plan,
    });
    for (const outcome of outcomes) {
      const errors = outcome.errors.map((text) => rowError(text, outcome.status));
      const isRefused = outcome.status === 'error' || outcome.status === 'conflict';
      const merges = !isRefused && outcome.personaId ? outcome.others : [];
      if (merges.length > 0) {
        report.counts.merges += 1;
        const refusal = await findMergeRuleRefusal(store, request.organisation, outcome.personaId!, merges);
        if (refusal) errors.push({ code: refusal.error.code, message: refusal.error.message });
      }
      add({
        row: outcome.index,
        outcome: isRefused ? 'refused' : outcome.isNewPersona ? 'created' : 'updated',
        persona: outcome.personaId?.toHexString() ?? null,
        merges: merges.map((id) => id.toHexString()),
        errors,
      });
    }
    batch = [];
  };
  let index = 0;
  for await (const record of createReadStream(request.filePath).pipe(
    parse({ ...request.csvOptions, columns: request.headers, from_line: 2 }),
  ) as AsyncIterable<Record<string, string>>) {
    index += 1;
    batch.push({ index, plan: toPlan(record) });
    if (batch.length >= request.batchRows) await flush();
  }
  await flush();
  report.totalRows = index;
  return report;
}
