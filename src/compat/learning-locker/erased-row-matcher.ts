// Which rows and cells of a stored Learning Locker import CSV name an erased persona. Values are compared the way the
// import compares them (xapi-agents.md section 6, through the import's own traces): an mbox with or without
// `mailto:`, scheme and domain in any case, its SHA-1 in any case (and an mbox_sha1sum against the SHA-1 of an
// erased address). A row is found by the import's structure — the row the import turned into the erased persona's
// identifiers — so the whole row goes; without a usable structure (never configured), by its cells. In other rows,
// a single cell holding an erased value (an ignored column, an attribute such as a manager's address) is blanked.
import type { Ifi } from '../../domain/model.ts';
import { isSha1Hex, withMailto } from '../../domain/xapi/index.ts';
import { tracesOf } from '../../features/imports/import-error-traces.ts';
import { compileMapping, validateMapping } from '../../features/imports/import-mapping.ts';
import { structureToMapping, validateStructure } from './import-structure.ts';
import type { StructureColumn } from './personas-import-model.ts';

/** What to blank in a data row: nothing, the whole row, or these cell positions. */
export type RowVerdict = { kind: 'keep' } | { kind: 'row' } | { kind: 'cells'; positions: number[] };

/**
 * The traces a lone cell would have as any identifier it can spell (accounts need two cells: see below). tracesOf
 * compares canonically (canonicalIdentifierKey, mboxSha1sums), so a guess only needs the import's `mailto:` rule.
 */
function cellTraces(cell: string): string[] {
  const value = cell.trim();
  if (value === '') return [];
  const guesses: Ifi[] = [{ key: 'openid', value }];
  if (value.includes('@')) guesses.push({ key: 'mbox', value: withMailto(value) });
  if (isSha1Hex(value)) guesses.push({ key: 'mbox_sha1sum', value });
  return tracesOf(guesses);
}

/**
 * The matcher for one import: `headers` and `structure` as its document holds them. Rows are arrays of cells in
 * header order (rows shorter or longer than the headers are read as the import reads them: by header).
 */
export function erasedRowMatcher(
  erased: Ifi[],
  headers: string[],
  structure: Record<string, StructureColumn> | undefined,
): (record: string[]) => RowVerdict {
  const erasedTraces = new Set(tracesOf(erased));
  const accounts = erased.flatMap((ifi) => (ifi.key === 'account' ? [ifi.value] : []));
  const valid = validateStructure(structure ?? {}).structure;
  const mapping = valid ? validateMapping(structureToMapping(valid), headers).mapping : null;
  const plan = mapping ? compileMapping(mapping) : null;
  const cellMatches = (cell: string) => cellTraces(cell).some((trace) => erasedTraces.has(trace));

  return (record) => {
    if (plan) {
      const row: Record<string, string> = {};
      headers.forEach((header, position) => {
        row[header] = record[position] ?? '';
      });
      if (tracesOf(plan(row).ifis).some((trace) => erasedTraces.has(trace))) return { kind: 'row' };
    } else if (accounts.length > 0) {
      const cells = new Set(record.map((cell) => cell.trim()));
      // An account is two cells of one row; a name alone (often a short number) would blank unrelated rows.
      if (accounts.some((account) => cells.has(account.name) && cells.has(account.homePage))) return { kind: 'row' };
    }
    // Each cell is matched once: without a structure any matching cell takes the row, with one only the cell.
    const positions = record.flatMap((cell, position) => (cellMatches(cell) ? [position] : []));
    if (positions.length === 0) return { kind: 'keep' };
    return plan ? { kind: 'cells', positions } : { kind: 'row' };
  };
}
