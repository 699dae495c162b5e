// Whole-statement validation (xapi-agents.md section 4): returns the FIRST problem in a fixed order, or null.
// Order: JSON object, nulls outside extensions, authority, top-level properties, required parts, then id, actor,
// verb, object (recursing once into a SubStatement), context, timestamp, stored, version, and voiding last.
import { validateAgentOrGroup, validateAuthority } from './agent-validation.ts';
import { validateContext } from './context-validation.ts';
import { STATEMENT_ERROR_CODES, statementError, type StatementError } from './errors.ts';
import { isUuid, isXapiVersion, timestampProblem } from './iri-uuid-timestamp.ts';
import { firstNullPath } from './null-values.ts';
import { VOIDED_VERB_ID, isActivityObject, validateObject, validateVerb } from './object-validation.ts';
import { isJsonObject } from '../plain-object.ts';

export type { StatementError } from './errors.ts';

const SHAPE = STATEMENT_ERROR_CODES.invalidStatement;
const ENVELOPE = STATEMENT_ERROR_CODES.invalidEnvelope;

const STATEMENT_PROPERTIES = new Set([
  'id',
  'actor',
  'verb',
  'object',
  'result',
  'context',
  'timestamp',
  'stored',
  'authority',
  'version',
  'attachments',
]);
/** A SubStatement is a statement without its own identity or LRS-assigned parts (id, stored, version, authority). */
const SUBSTATEMENT_PROPERTIES = new Set(['objectType', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'attachments']);
const REQUIRED_PARTS = ['actor', 'verb', 'object'] as const;

/** null when the statement is valid; otherwise the first problem with its path (`(statement)` for the top level). */
export function validateStatement(statement: unknown): StatementError | null {
  if (!isJsonObject(statement)) return statementError(SHAPE, '(statement)', 'statement is not a JSON object');
  const nullPath = firstNullPath(statement);
  if (nullPath !== null) return statementError(SHAPE, nullPath, 'null value outside extensions');
  // Authority is checked before the shape: a statement carrying a bad authority is an LRS-client problem first.
  if ('authority' in statement) {
    const error = validateAuthority(statement.authority, 'authority');
    if (error !== null) return error;
  }
  const shapeError =
    checkProperties(statement, STATEMENT_PROPERTIES, '(statement)', 'Statement') ?? checkRequiredParts(statement, '(statement)');
  if (shapeError !== null) return shapeError;
  if ('id' in statement && !isUuid(statement.id)) return statementError(ENVELOPE, 'id', 'statement id is not a UUID');
  const partsError = validateParts(statement, '', false);
  if (partsError !== null) return partsError;
  if ('stored' in statement) {
    const error = checkTimestamp(statement.stored, 'stored');
    if (error !== null) return error;
  }
  if ('version' in statement && !isXapiVersion(statement.version)) {
    return statementError(ENVELOPE, 'version', `version ${JSON.stringify(statement.version)} is not 1.0, 1.0.x or 2.0.x`);
  }
  // Voiding (xAPI 1.0.3, Voided): the voided verb only ever targets another statement by reference.
  const verb = statement.verb as Record<string, unknown>;
  const object = statement.object as Record<string, unknown>;
  if (verb.id === VOIDED_VERB_ID && object.objectType !== 'StatementRef') {
    return statementError(STATEMENT_ERROR_CODES.invalidObject, 'object', 'voiding statement whose object is not a StatementRef');
  }
  return null;
}

/** actor, verb, object, context and timestamp: shared by statements (prefix '') and SubStatements ('object.'). */
function validateParts(statement: Record<string, unknown>, prefix: string, insideSubStatement: boolean): StatementError | null {
  const error =
    validateAgentOrGroup(statement.actor, `${prefix}actor`) ??
    validateVerb(statement.verb, `${prefix}verb`) ??
    validateObject(statement.object, `${prefix}object`, insideSubStatement, validateSubStatement) ??
    ('context' in statement ? validateContext(statement.context, `${prefix}context`, isActivityObject(statement.object)) : null);
  if (error !== null) return error;
  return 'timestamp' in statement ? checkTimestamp(statement.timestamp, `${prefix}timestamp`) : null;
}

function validateSubStatement(subStatement: Record<string, unknown>, path: string): StatementError | null {
  return (
    checkProperties(subStatement, SUBSTATEMENT_PROPERTIES, path, 'SubStatement') ??
    checkRequiredParts(subStatement, path) ??
    validateParts(subStatement, `${path}.`, true)
  );
}

function checkProperties(record: Record<string, unknown>, allowed: ReadonlySet<string>, path: string, kind: string): StatementError | null {
  let extra: string[] | null = null;
  for (const key in record) {
    if (!allowed.has(key)) (extra ??= []).push(key);
  }
  return extra === null ? null : statementError(SHAPE, path, `${kind} has properties not allowed: ${extra.join(',')}`);
}

function checkRequiredParts(record: Record<string, unknown>, path: string): StatementError | null {
  for (const part of REQUIRED_PARTS) {
    if (!(part in record)) return statementError(SHAPE, path, `missing required "${part}"`);
  }
  return null;
}

function checkTimestamp(value: unknown, path: string): StatementError | null {
  const problem = timestampProblem(value);
  if (problem === null) return null;
  return statementError(
    ENVELOPE,
    path,
    problem === 'negative_zero_offset'
      ? 'timestamp offset -00:00 (or -0000, -00) is forbidden'
      : 'not an ISO 8601 date-time (YYYY-MM-DDThh:mm[:ss[.fraction]][zone])',
  );
}
