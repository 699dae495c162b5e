// Verb and non-recursive Object rules (xapi-agents.md section 4, Verb and Object): which objectTypes exist, an
// Activity's IRI id, a StatementRef's UUID id, an Agent or Group as object. SubStatements are recursive and are
// handled by statement-validation.ts, which passes itself in as `validateSubStatement`.
import { validateAgentBody, validateGroupBody } from './agent-validation.ts';
import { STATEMENT_ERROR_CODES, describeValue, statementError, type StatementError } from './errors.ts';
import { isAbsoluteIri, isUuid } from './iri-uuid-timestamp.ts';
import { isJsonObject } from '../plain-object.ts';

const OBJECT = STATEMENT_ERROR_CODES.invalidObject;
const VERB = STATEMENT_ERROR_CODES.invalidVerb;

export const VOIDED_VERB_ID = 'http://adlnet.gov/expapi/verbs/voided';

export function validateVerb(value: unknown, path: string): StatementError | null {
  if (!isJsonObject(value)) return statementError(VERB, path, 'verb is not an object');
  if (!('id' in value)) return statementError(VERB, path, 'verb has no id');
  if (!isAbsoluteIri(value.id)) return statementError(VERB, `${path}.id`, 'verb id is not an IRI');
  return null;
}

/** An object without objectType is an Activity (xAPI 1.0.3, Object). */
export function isActivityObject(object: unknown): boolean {
  if (!isJsonObject(object)) return false;
  const objectType = object.objectType;
  return objectType === undefined || objectType === 'Activity';
}

export type SubStatementValidator = (value: Record<string, unknown>, path: string) => StatementError | null;

/**
 * The object of a statement (`insideSubStatement` false) or of a SubStatement (true: a SubStatement there rejects).
 */
export function validateObject(
  value: unknown,
  path: string,
  insideSubStatement: boolean,
  validateSubStatement: SubStatementValidator,
): StatementError | null {
  if (!isJsonObject(value)) return statementError(OBJECT, path, 'object is not a JSON object');
  const objectType = value.objectType;
  switch (objectType) {
    case undefined:
    case 'Activity':
      if (!('id' in value)) return statementError(OBJECT, path, 'Activity without id');
      if (!isAbsoluteIri(value.id)) return statementError(OBJECT, `${path}.id`, 'Activity id is not an IRI');
      return null;
    case 'Agent':
      return validateAgentBody(value, path);
    case 'Group':
      return validateGroupBody(value, path);
    case 'StatementRef':
      if (!isUuid(value.id)) return statementError(OBJECT, `${path}.id`, 'StatementRef id is not a UUID');
      return null;
    case 'SubStatement':
      if (insideSubStatement) return statementError(OBJECT, path, 'SubStatement nested inside a SubStatement');
      return validateSubStatement(value, path);
    default:
      return statementError(
        OBJECT,
        `${path}.objectType`,
        `unknown object objectType ${describeValue(objectType)} (Activity, Agent, Group, SubStatement or StatementRef, case-sensitive)`,
      );
  }
}
