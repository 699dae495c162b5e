// Agent and Group rules (xapi-agents.md sections 1 and 2) for every place an actor-like value appears. Each check
// returns the first problem in a fixed order (type, objectType, extra properties, name, IFI values, IFI count,
// members) so the same statement always gets the same error, and allocates nothing when the value is valid.
import { STATEMENT_ERROR_CODES, describeValue, statementError, type StatementError } from './errors.ts';
import { checkIfiValue, isIfiKey } from './ifi-validation.ts';
import { isJsonObject } from '../plain-object.ts';

const AGENT = STATEMENT_ERROR_CODES.invalidAgent;
const GROUP = STATEMENT_ERROR_CODES.invalidGroup;

/** `actor`, `context.instructor`, `authority`: an Agent (objectType optional) or a Group. */
export function validateAgentOrGroup(value: unknown, path: string): StatementError | null {
  if (!isJsonObject(value)) return statementError(AGENT, path, 'not a JSON object (an Agent or Group was expected)');
  const objectType = value.objectType;
  if (objectType === undefined || objectType === 'Agent') return validateAgentBody(value, path);
  if (objectType === 'Group') return validateGroupBody(value, path);
  return statementError(
    AGENT,
    `${path}.objectType`,
    `objectType ${describeValue(objectType)} is neither "Agent" nor "Group" (case-sensitive)`,
  );
}

/** A `member` item or a 2.0 context agent: an Agent only, objectType optional. */
export function validateAgentOnly(value: unknown, path: string, role: string): StatementError | null {
  if (!isJsonObject(value)) return statementError(AGENT, path, `${role} is not a JSON object (an Agent was expected)`);
  const objectType = value.objectType;
  if (objectType === 'Group') return statementError(AGENT, path, `${role} must be an Agent, not a Group`);
  if (objectType !== undefined && objectType !== 'Agent') {
    return statementError(AGENT, `${path}.objectType`, `objectType ${describeValue(objectType)} is not "Agent" (case-sensitive)`);
  }
  return validateAgentBody(value, path);
}

/** `context.team` and a 2.0 context group: a Group with an explicit `objectType: "Group"`. */
export function validateGroupOnly(value: unknown, path: string, role: string): StatementError | null {
  if (!isJsonObject(value) || value.objectType !== 'Group') {
    return statementError(GROUP, path, `${role} must be a Group with objectType "Group"`);
  }
  return validateGroupBody(value, path);
}

/** An Agent whose objectType is already known to be absent or "Agent". */
export function validateAgentBody(agent: Record<string, unknown>, path: string): StatementError | null {
  let extra: string[] | null = null;
  let ifiCount = 0;
  for (const key in agent) {
    if (isIfiKey(key)) ifiCount++;
    else if (key !== 'objectType' && key !== 'name') (extra ??= []).push(key);
  }
  if (extra !== null) return statementError(AGENT, path, `Agent has properties not allowed: ${extra.join(',')}`);
  return (
    checkNameAndIfis(agent, path, ifiCount, 'Agent') ??
    (ifiCount === 0
      ? statementError(AGENT, path, 'Agent has no inverse functional identifier (exactly one of mbox, mbox_sha1sum, openid, account)')
      : null)
  );
}

/** A Group whose objectType is known to be "Group": anonymous (members only) or identified (one IFI). */
export function validateGroupBody(group: Record<string, unknown>, path: string): StatementError | null {
  let extra: string[] | null = null;
  let ifiCount = 0;
  for (const key in group) {
    if (isIfiKey(key)) ifiCount++;
    else if (key !== 'objectType' && key !== 'name' && key !== 'member') (extra ??= []).push(key);
  }
  if (extra !== null) return statementError(GROUP, path, `Group has properties not allowed: ${extra.join(',')}`);
  const own = checkNameAndIfis(group, path, ifiCount, 'Group');
  if (own !== null) return own;
  const member = group.member;
  if (member !== undefined && !Array.isArray(member)) {
    return statementError(GROUP, `${path}.member`, 'member is not an array');
  }
  if (ifiCount === 0 && (member === undefined || member.length === 0)) {
    return statementError(GROUP, path, 'anonymous Group (no identifier) without member: it needs at least one Agent');
  }
  if (member !== undefined) {
    for (let i = 0; i < member.length; i++) {
      const error = validateAgentOnly(member[i], `${path}.member[${i}]`, 'a Group member');
      if (error !== null) return error;
    }
  }
  return null;
}

function checkNameAndIfis(actor: Record<string, unknown>, path: string, ifiCount: number, kind: 'Agent' | 'Group'): StatementError | null {
  if ('name' in actor && typeof actor.name !== 'string') {
    return statementError(kind === 'Agent' ? AGENT : GROUP, `${path}.name`, 'name is not a string');
  }
  if (ifiCount === 0) return null;
  for (const key in actor) {
    if (isIfiKey(key)) {
      const error = checkIfiValue(key, actor[key], `${path}.${key}`);
      if (error !== null) return error;
    }
  }
  if (ifiCount > 1) {
    const keys = Object.keys(actor).filter(isIfiKey).join(',');
    return statementError(kind === 'Agent' ? AGENT : GROUP, path, `${kind} has more than one inverse functional identifier: ${keys}`);
  }
  return null;
}

/**
 * `authority` (section 4): an Agent, or the anonymous Group of exactly two Agents an OAuth LRS records (application
 * and user). Any other Group is rejected.
 */
export function validateAuthority(value: unknown, path: string): StatementError | null {
  const error = validateAgentOrGroup(value, path);
  if (error !== null) return error;
  const authority = value as Record<string, unknown>;
  if (authority.objectType !== 'Group') return null;
  for (const key in authority) {
    if (isIfiKey(key)) {
      return statementError(
        STATEMENT_ERROR_CODES.invalidAuthority,
        path,
        'Group authority must be the two-member OAuth group without an identifier',
      );
    }
  }
  if ((authority.member as unknown[]).length !== 2) {
    return statementError(STATEMENT_ERROR_CODES.invalidAuthority, `${path}.member`, 'Group authority must have exactly two members');
  }
  return null;
}
