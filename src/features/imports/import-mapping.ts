// The column mapping of a CSV import: which column is an identifier of which kind, the persona name (whole or first
// and last), attributes. Learning Locker's structure rules (learning-locker-compat.md 7.2) in our shape; it is
// validated against the file's headers before anything is written, and compiled to a function from a row to the
// persona it describes (identifiers in `primary` order: the first one decides the persona).
import { z } from 'zod';
import type { Ifi } from '../../domain/model.ts';
import { validateIfi, withMailto } from '../../domain/xapi/index.ts';
import type { ErrorDetail } from '../../core/errors/api-error.ts';

const columnSchema = z
  .object({
    type: z.enum([
      'mbox',
      'mbox_sha1sum',
      'openid',
      'account_name',
      'account_homepage',
      'name',
      'first_name',
      'last_name',
      'attribute',
      'ignore',
    ]),
    /** Attribute key (default: the column header). */
    attributeName: z.string().min(1).max(200).optional(),
    /** For account_name: the home page, as a constant... */
    homePage: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'must start with http:// or https://')
      .optional(),
    /** ...or read from this column (of type account_homepage). */
    homePageColumn: z.string().optional(),
    /** Identifier order: lower first; columns without it come last, in column order. */
    primary: z.number().int().optional(),
  })
  .strict();

export const importMappingSchema = z
  .object({
    columns: z.record(z.string(), columnSchema),
  })
  .strict();

export type ImportMapping = z.infer<typeof importMappingSchema>;

export interface ImportRowPlan {
  name: string | null;
  ifis: Ifi[];
  attributes: Array<{ key: string; value: string }>;
  errors: string[];
}

const IFI_TYPES = new Set(['mbox', 'mbox_sha1sum', 'openid', 'account_name']);

/** Every problem of the mapping against these headers (empty: valid). */
export function validateMapping(mapping: unknown, headers: string[]): { mapping: ImportMapping | null; problems: ErrorDetail[] } {
  const parsed = importMappingSchema.safeParse(mapping);
  if (!parsed.success) {
    return {
      mapping: null,
      problems: parsed.error.issues.map((issue) => ({
        path: ['mapping', ...issue.path].join('.'),
        code: 'imports.invalid_mapping',
        message: issue.message,
      })),
    };
  }
  const problems: ErrorDetail[] = [];
  const problem = (path: string, message: string) =>
    problems.push({ path: `mapping.columns.${path}`, code: 'imports.invalid_mapping', message });
  const columns = parsed.data.columns;
  const headerSet = new Set(headers);
  const count = (type: string) => Object.values(columns).filter((column) => column.type === type).length;
  for (const [header, column] of Object.entries(columns)) {
    if (!headerSet.has(header)) problem(header, 'is not a column of the file');
    if (column.type === 'account_name') {
      if (!column.homePage === !column.homePageColumn)
        problem(header, 'an account name column needs exactly one of homePage or homePageColumn');
      if (column.homePageColumn && columns[column.homePageColumn]?.type !== 'account_homepage')
        problem(header, `homePageColumn ${column.homePageColumn} is not mapped as account_homepage`);
    } else if (column.homePage || column.homePageColumn) {
      problem(header, 'only account_name columns take homePage or homePageColumn');
    }
    if (column.type === 'account_homepage' && !Object.values(columns).some((other) => other.homePageColumn === header)) {
      problem(header, 'no account_name column refers to this home page column');
    }
    if (column.primary !== undefined && !IFI_TYPES.has(column.type)) problem(header, 'only identifier columns take primary');
    if (column.attributeName && column.type !== 'attribute') problem(header, 'only attribute columns take attributeName');
  }
  const primaries = Object.values(columns).flatMap((column) => (column.primary === undefined ? [] : [column.primary]));
  if (new Set(primaries).size !== primaries.length)
    problems.push({ path: 'mapping.columns', code: 'imports.invalid_mapping', message: 'primary values must be unique' });
  if (Object.values(columns).filter((column) => IFI_TYPES.has(column.type)).length === 0) {
    problems.push({
      path: 'mapping.columns',
      code: 'imports.invalid_mapping',
      message: 'at least one identifier column (mbox, mbox_sha1sum, openid, account_name) is required',
    });
  }
  for (const type of ['name', 'first_name', 'last_name']) {
    if (count(type) > 1) problems.push({ path: 'mapping.columns', code: 'imports.invalid_mapping', message: `at most one ${type} column` });
  }
  if (count('name') > 0 && count('first_name') + count('last_name') > 0) {
    problems.push({
      path: 'mapping.columns',
      code: 'imports.invalid_mapping',
      message: 'a name column cannot be combined with first_name or last_name',
    });
  }
  const attributeNames = Object.entries(columns)
    .filter(([, column]) => column.type === 'attribute')
    .map(([header, column]) => column.attributeName ?? header);
  if (new Set(attributeNames).size !== attributeNames.length)
    problems.push({ path: 'mapping.columns', code: 'imports.invalid_mapping', message: 'attribute names must be unique' });
  return { mapping: problems.length === 0 ? parsed.data : null, problems };
}

/** Compiles a valid mapping into the function that reads one row (an object keyed by header). */
export function compileMapping(mapping: ImportMapping): (row: Record<string, string>) => ImportRowPlan {
  const entries = Object.entries(mapping.columns);
  const ifiColumns = entries
    .map(([header, column], position) => ({ header, column, position }))
    .filter(({ column }) => IFI_TYPES.has(column.type))
    .sort((a, b) => (a.column.primary ?? Infinity) - (b.column.primary ?? Infinity) || a.position - b.position);
  const nameColumn = entries.find(([, column]) => column.type === 'name')?.[0];
  const firstColumn = entries.find(([, column]) => column.type === 'first_name')?.[0];
  const lastColumn = entries.find(([, column]) => column.type === 'last_name')?.[0];
  const attributeColumns = entries
    .filter(([, column]) => column.type === 'attribute')
    .map(([header, column]) => ({ header, key: column.attributeName ?? header }));

  return (row) => {
    const cell = (header: string | undefined) => (header === undefined ? '' : (row[header] ?? '').trim());
    const errors: string[] = [];
    const ifis: Ifi[] = [];
    for (const { header, column } of ifiColumns) {
      const value = cell(header);
      if (value === '') continue;
      let ifi: Ifi;
      if (column.type === 'mbox') ifi = { key: 'mbox', value: withMailto(value) };
      else if (column.type === 'mbox_sha1sum') ifi = { key: 'mbox_sha1sum', value: value.toLowerCase() };
      else if (column.type === 'openid') ifi = { key: 'openid', value };
      else ifi = { key: 'account', value: { homePage: column.homePage ?? cell(column.homePageColumn), name: value } };
      const problem = validateIfi(ifi, header);
      if (problem) errors.push(`${header}: ${problem.message}`);
      else ifis.push(ifi);
    }
    if (ifis.length === 0 && errors.length === 0) errors.push('No identifiers');
    const name = nameColumn ? cell(nameColumn) : `${cell(firstColumn)} ${cell(lastColumn)}`.trim();
    const attributes = attributeColumns.flatMap(({ header, key }) => (cell(header) === '' ? [] : [{ key, value: cell(header) }]));
    return { name: name === '' ? null : name, ifis, attributes, errors };
  };
}
