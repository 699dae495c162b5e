// What the xAPI Statements resource accepts before anything is resolved. Unlike /v1 (which resolves the good
// statements of an array and reports the bad ones), an LRS rejects a request whole when one statement is invalid,
// or when two statements share an id (1.0.3 Communication 2.1.2), so everything is checked first and nothing is
// resolved unless all pass. Statements without an id get one, as an LRS assigns it, and the ids are the answer.
import { randomUUID } from 'node:crypto';
import { validateStatement } from '../domain/xapi/index.ts';
import { ApiError, detail, type ErrorDetail } from '../core/errors/api-error.ts';
import { isJsonObject } from '../domain/plain-object.ts';

export type Statement = Record<string, unknown> & { id: string };

export interface PreparedStatements {
  /** In request order, each with its id (given, or assigned here). */
  statements: Statement[];
  ids: string[];
}

/**
 * Learning Locker's statement forwarding in "full document" mode posts its stored model,
 * `{_id, statement: {...}, lrs_id, organisation, person, ...}`. A statement may not have a top-level `statement`
 * property, and the model has none of a statement's parts, so the unwrapping cannot mistake one for the other; the
 * model's `organisation` is LL's and is ignored (the caller's credentials name the organisation).
 */
export function unwrapForwardedDocument(item: unknown): unknown {
  const isModel = isJsonObject(item) && isJsonObject(item.statement) && !('actor' in item) && !('verb' in item) && !('object' in item);
  return isModel ? item.statement : item;
}

function pathIn(prefix: string, path: string): string {
  if (path === '(statement)') return prefix || path;
  return prefix ? `${prefix}.${path}` : path;
}

/**
 * Validates every statement by the /v1 rules (xapi-agents.md section 4), refuses repeated ids, and assigns the
 * missing ones. Throws 400 xapi.statements_rejected with one detail per problem (paths `[2].actor.mbox` for arrays).
 */
export function prepareStatements(items: unknown[], options: { isBatch: boolean; newId?: () => string }): PreparedStatements {
  const newId = options.newId ?? randomUUID;
  const problems: ErrorDetail[] = [];
  const firstIndexOfId = new Map<string, number>();
  const statements = items.map((item, index): Statement | null => {
    const prefix = options.isBatch ? `[${index}]` : '';
    const statement = unwrapForwardedDocument(item);
    const error = validateStatement(statement);
    if (error) {
      problems.push({ path: pathIn(prefix, error.path), code: error.code, message: error.message });
      return null;
    }
    const valid = statement as Record<string, unknown>;
    if (typeof valid.id !== 'string') return { id: newId(), ...valid };
    // UUIDs compare case-insensitively: two spellings of one id are one id.
    const key = valid.id.toLowerCase();
    if (firstIndexOfId.has(key)) problems.push(detail(pathIn(prefix, 'id'), 'xapi.duplicate_statement_id', { id: valid.id }));
    else firstIndexOfId.set(key, index);
    return valid as Statement;
  });
  if (problems.length > 0) throw new ApiError('xapi.statements_rejected', { params: { count: problems.length }, details: problems });
  const prepared = statements as Statement[];
  return { statements: prepared, ids: prepared.map((statement) => statement.id) };
}
