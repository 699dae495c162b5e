// Learning Locker's import `structure` (compat spec 7.1-7.2): the model's validation rules (ERM 400 on PATCH), the
// structure proposed on upload, and the adapter to the identity import service's column mapping, so that row
// processing has one implementation (features/imports) for /v1 and /api alike.
import type { ImportMapping } from '../../features/imports/import-mapping.ts';
import type { StructureColumn } from './personas-import-model.ts';

export const COLUMN_TYPES = [
  '',
  'COLUMN_NAME',
  'COLUMN_FIRST_NAME',
  'COLUMN_LAST_NAME',
  'COLUMN_MBOX',
  'COLUMN_MBOXSHA1SUM',
  'COLUMN_OPENID',
  'COLUMN_ACCOUNT_VALUE',
  'COLUMN_ACCOUNT_KEY',
  'COLUMN_ATTRIBUTE_DATA',
] as const;

const MAPPING_TYPE: Record<string, ImportMapping['columns'][string]['type']> = {
  '': 'ignore',
  COLUMN_NAME: 'name',
  COLUMN_FIRST_NAME: 'first_name',
  COLUMN_LAST_NAME: 'last_name',
  COLUMN_MBOX: 'mbox',
  COLUMN_MBOXSHA1SUM: 'mbox_sha1sum',
  COLUMN_OPENID: 'openid',
  COLUMN_ACCOUNT_VALUE: 'account_name',
  COLUMN_ACCOUNT_KEY: 'account_homepage',
  COLUMN_ATTRIBUTE_DATA: 'attribute',
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isAccount = (type: unknown) => type === 'COLUMN_ACCOUNT_VALUE' || type === 'COLUMN_ACCOUNT_KEY';

/**
 * Every problem of a structure, keyed by path (`structure.<header>.<field>`); empty: valid. The rules of LL's model:
 * known column types, relatedColumn only on account columns and never shared, account columns bound pairwise (or
 * the name column using a constant http(s) home page), unique integer primaries, one name of each kind, full name not
 * mixed with first/last name, unique attribute names.
 */
export function validateStructure(structure: unknown): {
  structure: Record<string, StructureColumn> | null;
  problems: Record<string, string>;
} {
  const problems: Record<string, string> = {};
  if (!isObject(structure)) return { structure: null, problems: { structure: 'must be an object keyed by CSV header' } };
  const columns: Record<string, StructureColumn> = {};
  for (const [header, raw] of Object.entries(structure)) {
    const at = `structure.${header}`;
    if (!isObject(raw)) {
      problems[at] = 'must be an object';
      continue;
    }
    const type = raw.columnType ?? '';
    if (!(COLUMN_TYPES as readonly unknown[]).includes(type)) {
      problems[`${at}.columnType`] = `must be one of ${COLUMN_TYPES.filter(Boolean).join(', ')} or ""`;
      continue;
    }
    const related = raw.relatedColumn ?? null;
    if (related !== null && typeof related !== 'string') problems[`${at}.relatedColumn`] = 'must be a column name or null';
    const primary = raw.primary ?? null;
    if (primary !== null && !Number.isInteger(primary)) problems[`${at}.primary`] = 'must be an integer or null';
    if (raw.attributeName !== undefined && raw.attributeName !== null && typeof raw.attributeName !== 'string')
      problems[`${at}.attributeName`] = 'must be a string';
    if (raw.constant !== undefined && raw.constant !== null && typeof raw.constant !== 'string')
      problems[`${at}.constant`] = 'must be a string';
    columns[header] = {
      columnName: typeof raw.columnName === 'string' ? raw.columnName : header,
      columnType: type as string,
      relatedColumn: typeof related === 'string' ? related : null,
      primary: Number.isInteger(primary) ? (primary as number) : null,
      ...(typeof raw.attributeName === 'string' && raw.attributeName !== '' ? { attributeName: raw.attributeName } : {}),
      ...(raw.useConstant !== undefined ? { useConstant: raw.useConstant === true } : {}),
      ...(typeof raw.constant === 'string' ? { constant: raw.constant } : {}),
    };
  }
  const entries = Object.entries(columns);
  const boundBy = new Map<string, string>();
  for (const [header, column] of entries) {
    const at = `structure.${header}`;
    if (column.relatedColumn !== null) {
      if (!isAccount(column.columnType)) problems[`${at}.relatedColumn`] = 'only account columns may have a relatedColumn';
      const other = boundBy.get(column.relatedColumn);
      if (other !== undefined) problems[`${at}.relatedColumn`] = `column ${column.relatedColumn} is already bound by ${other}`;
      boundBy.set(column.relatedColumn, header);
    }
    const pairedBack = column.relatedColumn !== null && columns[column.relatedColumn]?.relatedColumn === header;
    if (column.columnType === 'COLUMN_ACCOUNT_VALUE') {
      if (column.useConstant) {
        if (!/^https?:\/\//.test(column.constant ?? '')) problems[`${at}.constant`] = 'must start with http:// or https://';
      } else if (!pairedBack || columns[column.relatedColumn!].columnType !== 'COLUMN_ACCOUNT_KEY') {
        problems[`${at}.relatedColumn`] =
          'an account name column must be bound to a COLUMN_ACCOUNT_KEY column that points back, or use a constant home page';
      }
    }
    if (
      column.columnType === 'COLUMN_ACCOUNT_KEY' &&
      (!pairedBack || columns[column.relatedColumn!].columnType !== 'COLUMN_ACCOUNT_VALUE')
    ) {
      problems[`${at}.relatedColumn`] = 'an account home page column must be bound to a COLUMN_ACCOUNT_VALUE column that points back';
    }
  }
  const primaries = entries.flatMap(([, column]) => (column.primary === null ? [] : [column.primary]));
  if (new Set(primaries).size !== primaries.length) problems['structure.primary'] = 'primary values must be unique';
  const count = (type: string) => entries.filter(([, column]) => column.columnType === type).length;
  for (const type of ['COLUMN_NAME', 'COLUMN_FIRST_NAME', 'COLUMN_LAST_NAME'])
    if (count(type) > 1) problems[`structure.${type}`] = `at most one ${type} column`;
  if (count('COLUMN_NAME') > 0 && count('COLUMN_FIRST_NAME') + count('COLUMN_LAST_NAME') > 0)
    problems['structure.COLUMN_NAME'] = 'a full name column cannot be combined with first or last name columns';
  const names = entries
    .filter(([, column]) => column.columnType === 'COLUMN_ATTRIBUTE_DATA')
    .map(([header, column]) => column.attributeName ?? header);
  if (new Set(names).size !== names.length) problems['structure.attributeName'] = 'attribute names must be unique';
  return { structure: Object.keys(problems).length === 0 ? columns : null, problems };
}

/**
 * The proposal of an upload: the structure of the organisation's most specific earlier import whose headers are
 * all in the new file (callers pass candidates ordered by headers count, then latest update), plus an empty column
 * for each new header, in CSV order.
 */
export function proposeStructure(
  headers: string[],
  earlier: Array<{ csvHeaders: string[]; structure: Record<string, StructureColumn> }>,
): Record<string, StructureColumn> {
  const base = earlier.find(
    (candidate) => candidate.csvHeaders.length > 0 && candidate.csvHeaders.every((header) => headers.includes(header)),
  );
  const structure: Record<string, StructureColumn> = {};
  for (const header of headers) {
    structure[header] = base?.structure[header] ?? { columnName: header, columnType: '', relatedColumn: null, primary: null };
  }
  return structure;
}

/**
 * LL structure → our column mapping. `primary` is read on identifier columns only: on a COLUMN_ACCOUNT_KEY column
 * (the layout before LL's 2019 migration) LL ignores it, and so do we.
 */
export function structureToMapping(structure: Record<string, StructureColumn>): ImportMapping {
  const columns: ImportMapping['columns'] = {};
  for (const [header, column] of Object.entries(structure)) {
    const type = MAPPING_TYPE[column.columnType] ?? 'ignore';
    const isIfi = ['mbox', 'mbox_sha1sum', 'openid', 'account_name'].includes(type);
    columns[header] = {
      type,
      ...(isIfi && column.primary !== null ? { primary: column.primary } : {}),
      ...(type === 'attribute' && column.attributeName ? { attributeName: column.attributeName } : {}),
      ...(type === 'account_name'
        ? column.useConstant
          ? { homePage: column.constant }
          : { homePageColumn: column.relatedColumn ?? undefined }
        : {}),
    };
  }
  return { columns };
}
