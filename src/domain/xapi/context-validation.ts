// Context rules (xapi-agents.md section 4, Context) for a statement or a SubStatement, including the xAPI 2.0
// `contextAgents` / `contextGroups` lists. Activity contents (contextActivities ids, definitions) are not judged:
// only their container shapes, so a statement wrong only inside an activity still resolves.
import { validateAgentOnly, validateAgentOrGroup, validateGroupOnly } from './agent-validation.ts';
import { STATEMENT_ERROR_CODES, statementError, type StatementError } from './errors.ts';
import { isAbsoluteIri, isUuid } from './iri-uuid-timestamp.ts';
import { isJsonObject } from '../plain-object.ts';

const CODE = STATEMENT_ERROR_CODES.invalidContext;

const CONTEXT_PROPERTIES = new Set([
  'registration',
  'instructor',
  'team',
  'contextActivities',
  'revision',
  'platform',
  'language',
  'statement',
  'extensions',
  'contextAgents',
  'contextGroups',
]);

/** `objectIsActivity`: the enclosing statement's object is an Activity (objectType "Activity" or none). */
export function validateContext(value: unknown, path: string, objectIsActivity: boolean): StatementError | null {
  if (!isJsonObject(value)) return statementError(CODE, path, 'context is not an object');
  let extra: string[] | null = null;
  for (const key in value) {
    if (!CONTEXT_PROPERTIES.has(key)) (extra ??= []).push(key);
  }
  if (extra !== null) return statementError(CODE, path, `context has properties not allowed: ${extra.join(',')}`);
  if ('registration' in value && !isUuid(value.registration)) {
    return statementError(CODE, `${path}.registration`, 'registration is not a UUID');
  }
  const error =
    ('instructor' in value ? validateAgentOrGroup(value.instructor, `${path}.instructor`) : null) ??
    ('team' in value ? validateGroupOnly(value.team, `${path}.team`, 'context.team') : null) ??
    ('contextActivities' in value ? checkContextActivities(value.contextActivities, `${path}.contextActivities`) : null) ??
    ('statement' in value ? checkStatementRef(value.statement, `${path}.statement`) : null) ??
    ('contextAgents' in value ? checkContextList(value.contextAgents, `${path}.contextAgents`, AGENT_ITEM) : null) ??
    ('contextGroups' in value ? checkContextList(value.contextGroups, `${path}.contextGroups`, GROUP_ITEM) : null);
  if (error !== null) return error;
  // Revision and platform describe an activity's authoring; they are meaningless beside an Agent or a statement.
  if (!objectIsActivity) {
    if ('revision' in value) {
      return statementError(CODE, `${path}.revision`, 'context.revision used while the object is not an Activity');
    }
    if ('platform' in value) {
      return statementError(CODE, `${path}.platform`, 'context.platform used while the object is not an Activity');
    }
  }
  return null;
}

function checkContextActivities(value: unknown, path: string): StatementError | null {
  if (!isJsonObject(value)) return statementError(CODE, path, 'contextActivities is not an object');
  for (const key in value) {
    const activities = value[key];
    if (Array.isArray(activities)) {
      for (let i = 0; i < activities.length; i++) {
        if (!isJsonObject(activities[i])) {
          return statementError(CODE, `${path}.${key}[${i}]`, 'a context activity is not an object');
        }
      }
    } else if (!isJsonObject(activities)) {
      return statementError(CODE, `${path}.${key}`, 'a contextActivities value is neither an Activity nor an array of them');
    }
  }
  return null;
}

function checkStatementRef(value: unknown, path: string): StatementError | null {
  if (!isJsonObject(value) || value.objectType !== 'StatementRef' || !isUuid(value.id)) {
    return statementError(CODE, path, 'context.statement is not a valid StatementRef (objectType "StatementRef" and a UUID id)');
  }
  return null;
}

interface ContextItemKind {
  objectType: 'contextAgent' | 'contextGroup';
  field: 'agent' | 'group';
  validate: (value: unknown, path: string) => StatementError | null;
}

const AGENT_ITEM: ContextItemKind = {
  objectType: 'contextAgent',
  field: 'agent',
  validate: (value, path) => validateAgentOnly(value, path, 'contextAgent.agent'),
};
const GROUP_ITEM: ContextItemKind = {
  objectType: 'contextGroup',
  field: 'group',
  validate: (value, path) => validateGroupOnly(value, path, 'contextGroup.group'),
};

function checkContextList(value: unknown, path: string, kind: ContextItemKind): StatementError | null {
  if (!Array.isArray(value)) return statementError(CODE, path, `${kind.objectType}s list is not an array`);
  for (let i = 0; i < value.length; i++) {
    const error = checkContextItem(value[i], `${path}[${i}]`, kind);
    if (error !== null) return error;
  }
  return null;
}

function checkContextItem(item: unknown, path: string, kind: ContextItemKind): StatementError | null {
  if (!isJsonObject(item)) return statementError(CODE, path, `a ${kind.objectType} item is not an object`);
  let extra: string[] | null = null;
  for (const key in item) {
    if (key !== 'objectType' && key !== kind.field && key !== 'relevantTypes') (extra ??= []).push(key);
  }
  if (extra !== null) return statementError(CODE, path, `properties not allowed: ${extra.join(',')}`);
  if (item.objectType !== kind.objectType) {
    return statementError(CODE, `${path}.objectType`, `objectType must be "${kind.objectType}"`);
  }
  const error = kind.validate(item[kind.field], `${path}.${kind.field}`);
  if (error !== null) return error;
  if (!('relevantTypes' in item)) return null;
  const types = item.relevantTypes;
  if (!Array.isArray(types) || types.length === 0) {
    return statementError(CODE, `${path}.relevantTypes`, 'relevantTypes must be a non-empty array of IRIs');
  }
  for (let i = 0; i < types.length; i++) {
    if (!isAbsoluteIri(types[i])) return statementError(CODE, `${path}.relevantTypes[${i}]`, 'relevantType is not an IRI');
  }
  return null;
}
