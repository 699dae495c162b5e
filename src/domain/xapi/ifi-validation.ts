// The value rules of the four inverse functional identifiers (xapi-agents.md section 1, table). One function serves
// Agents inside statements (`actor.mbox`) and bare `{key, value}` identifiers sent to the HTTP routes (`ifi.value`),
// so a route can never store what a statement would be rejected for.
import type { IfiKey } from '../model.ts';
import { STATEMENT_ERROR_CODES, statementError, type StatementError } from './errors.ts';
import { hasMailtoPrefix, isAbsoluteIri, isMailtoAddress, isSha1Hex } from './iri-uuid-timestamp.ts';

const CODE = STATEMENT_ERROR_CODES.invalidIfi;

/** The IFI keys in the order errors list them. */
const IFI_KEYS: readonly unknown[] = ['mbox', 'mbox_sha1sum', 'openid', 'account'] satisfies IfiKey[];

export function isIfiKey(key: unknown): key is IfiKey {
  return IFI_KEYS.includes(key);
}

/** Checks one IFI value; `path` names the value itself (`actor.account`, `ifi.value`). */
export function checkIfiValue(key: IfiKey, value: unknown, path: string): StatementError | null {
  switch (key) {
    case 'mbox':
      if (typeof value !== 'string') return statementError(CODE, path, 'mbox is not a string');
      if (!hasMailtoPrefix(value)) return statementError(CODE, path, 'mbox lacks the "mailto:" scheme prefix');
      if (!isMailtoAddress(value)) {
        return statementError(CODE, path, 'mbox is not a mailto IRI of an email address (mailto:local@domain, no whitespace)');
      }
      return null;
    case 'mbox_sha1sum':
      if (typeof value !== 'string') return statementError(CODE, path, 'mbox_sha1sum is not a string');
      if (!isSha1Hex(value)) return statementError(CODE, path, 'mbox_sha1sum is not 40 hexadecimal characters');
      return null;
    case 'openid':
      if (typeof value !== 'string') return statementError(CODE, path, 'openid is not a string');
      if (!isAbsoluteIri(value)) return statementError(CODE, path, 'openid is not an absolute URI');
      return null;
    case 'account':
      return checkAccount(value, path);
  }
}

function checkAccount(value: unknown, path: string): StatementError | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return statementError(CODE, path, 'account is not an object {homePage, name}');
  }
  const account = value as Record<string, unknown>;
  let extra: string[] | null = null;
  for (const k in account) {
    if (k !== 'homePage' && k !== 'name') (extra ??= []).push(k);
  }
  if (extra !== null) return statementError(CODE, path, `account has properties not allowed: ${extra.join(',')}`);
  if (!('homePage' in account)) return statementError(CODE, path, 'account.homePage missing');
  if (!('name' in account)) return statementError(CODE, path, 'account.name missing');
  if (!isAbsoluteIri(account.homePage)) {
    return statementError(CODE, `${path}.homePage`, 'account.homePage is not an absolute IRL');
  }
  if (typeof account.name !== 'string') return statementError(CODE, `${path}.name`, 'account.name is not a string');
  return null;
}

/**
 * Validates a bare identifier `{key, value}` as received by the HTTP routes: the same value rules as an Agent's IFI,
 * and nothing but `key` and `value` (an account value nothing but `homePage` and `name`).
 */
export function validateIfi(ifi: unknown, path = 'ifi'): StatementError | null {
  if (typeof ifi !== 'object' || ifi === null || Array.isArray(ifi)) {
    return statementError(CODE, path, 'identifier is not an object {key, value}');
  }
  const record = ifi as Record<string, unknown>;
  for (const k in record) {
    if (k !== 'key' && k !== 'value') return statementError(CODE, path, `identifier has properties not allowed: ${k}`);
  }
  if (!isIfiKey(record.key)) {
    return statementError(CODE, `${path}.key`, 'identifier key is not one of mbox, mbox_sha1sum, openid, account');
  }
  if (!('value' in record)) return statementError(CODE, `${path}.value`, 'identifier value missing');
  return checkIfiValue(record.key, record.value, `${path}.value`);
}
