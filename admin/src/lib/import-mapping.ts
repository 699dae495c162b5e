// The column mapping of a CSV import (POST /v1/imports, field `mapping`), guessed from the header row and then
// adjusted by the admin. Pure (unit-tested in test/admin/).

export const COLUMN_TYPES = {
  mbox: 'Email address',
  mbox_sha1sum: 'Email SHA-1',
  openid: 'OpenID',
  account_name: 'Account name',
  account_homepage: 'Account home page',
  name: 'Full name',
  first_name: 'First name',
  last_name: 'Last name',
  attribute: 'Attribute',
  ignore: 'Ignore',
} as const;
export type ColumnType = keyof typeof COLUMN_TYPES;

export interface ColumnChoice {
  header: string;
  type: ColumnType;
  /** account_name only: the home page every account of the column belongs to. */
  homePage: string;
}

const GUESSES: Array<[RegExp, ColumnType]> = [
  [/sha1/i, 'mbox_sha1sum'],
  [/e-?mail|mbox/i, 'mbox'],
  [/openid/i, 'openid'],
  [/^(first[ _-]?name|given[ _-]?name)$/i, 'first_name'],
  [/^(last[ _-]?name|surname|family[ _-]?name)$/i, 'last_name'],
  [/^(full[ _-]?)?name$/i, 'name'],
  [/home[ _-]?page/i, 'account_homepage'],
  [/account|user[ _-]?name|login/i, 'account_name'],
];

export function guessColumn(header: string): ColumnChoice {
  const guess = GUESSES.find(([pattern]) => pattern.test(header.trim()))?.[1] ?? 'attribute';
  return { header, type: guess, homePage: '' };
}

/**
 * The mapping document the service validates. An account name column reads its home page from the file's
 * home-page column when there is one, else uses the home page typed for it.
 */
export function mappingOf(columns: ColumnChoice[]): { columns: Record<string, Record<string, string>> } {
  const homePageColumn = columns.find((column) => column.type === 'account_homepage')?.header;
  const mapped: Record<string, Record<string, string>> = {};
  for (const column of columns) {
    if (column.type === 'account_name') {
      mapped[column.header] = homePageColumn
        ? { type: column.type, homePageColumn }
        : { type: column.type, homePage: column.homePage.trim() };
    } else {
      mapped[column.header] = { type: column.type };
    }
  }
  return { columns: mapped };
}

/** Progress of an import as a fraction 0-1 (an import that has not counted its rows yet is at 0). */
export function importProgress(job: { totalRows: number; processedRows: number; state: string }): number {
  if (job.state === 'completed') return 1;
  return job.totalRows > 0 ? Math.min(1, job.processedRows / job.totalRows) : 0;
}
