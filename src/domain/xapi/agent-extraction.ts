// Every identity a validated statement names (xapi-agents.md section 3), in a fixed document order: actor, object
// (or the SubStatement's actor, object and context), context, then authority when asked for. Anonymous Groups
// identify nobody and contribute only their members. Input must have passed validateStatement.
import type { Ifi } from '../model.ts';
import { canonicalIdentifierKey, hasIfi, toStoredIfi } from './canonical-identifier.ts';
import { personaNameFor, seenName } from './persona-name.ts';
import { isJsonObject } from '../plain-object.ts';

export type AgentRole = 'actor' | 'object' | 'instructor' | 'team' | 'member' | 'authority' | 'contextAgent' | 'contextGroup';

export interface ExtractedAgent {
  role: AgentRole;
  /** JSON path in the statement, e.g. `actor.member[0]`, `object.context.contextGroups[1].group`. */
  path: string;
  ifi: Ifi;
  canonicalKey: string;
  /** personaNameFor(agent, ifi): the name a persona created for this agent gets. */
  name: string;
  /** seenName(agent): the agent's own name, recorded in the persona's name history; null when it has none. */
  ownName: string | null;
}

/** Called for each identity of a statement in document order: an identified Agent or Group, or a Group member. */
type AgentVisitor = (agent: Record<string, any>, role: AgentRole, path: string) => void;

export function extractAgents(statement: Record<string, any>, options: { includeAuthority: boolean }): ExtractedAgent[] {
  const found: ExtractedAgent[] = [];
  visitAgents(statement, options, (agent, role, path) => found.push(toExtracted(agent, role, path)));
  return found;
}

/**
 * How many identities extractAgents would find, without canonicalising them: cheap enough to bound a request
 * before it is validated or queued (any JSON value is accepted; what is not a statement counts nothing).
 */
export function countAgents(statement: unknown, options: { includeAuthority: boolean }): number {
  if (!isJsonObject(statement)) return 0;
  let count = 0;
  visitAgents(statement, options, () => {
    count += 1;
  });
  return count;
}

function visitAgents(statement: Record<string, any>, options: { includeAuthority: boolean }, visit: AgentVisitor): void {
  visitStatementParts(statement, '', visit);
  if (options.includeAuthority && statement.authority !== undefined) visitActor(statement.authority, 'authority', 'authority', visit);
}

function visitStatementParts(statement: Record<string, any>, prefix: string, visit: AgentVisitor): void {
  visitActor(statement.actor, 'actor', `${prefix}actor`, visit);
  const object = statement.object;
  const objectType = object?.objectType;
  if (objectType === 'Agent' || objectType === 'Group') visitActor(object, 'object', `${prefix}object`, visit);
  else if (objectType === 'SubStatement' && prefix === '') visitStatementParts(object, 'object.', visit);
  const context = statement.context;
  if (isJsonObject(context)) visitContext(context, `${prefix}context`, visit);
}

function visitContext(context: Record<string, any>, path: string, visit: AgentVisitor): void {
  if (context.instructor !== undefined) visitActor(context.instructor, 'instructor', `${path}.instructor`, visit);
  if (context.team !== undefined) visitActor(context.team, 'team', `${path}.team`, visit);
  const contextAgents = context.contextAgents;
  if (Array.isArray(contextAgents)) {
    for (let i = 0; i < contextAgents.length; i++) {
      visitActor(contextAgents[i]?.agent, 'contextAgent', `${path}.contextAgents[${i}].agent`, visit);
    }
  }
  const contextGroups = context.contextGroups;
  if (Array.isArray(contextGroups)) {
    for (let i = 0; i < contextGroups.length; i++) {
      visitActor(contextGroups[i]?.group, 'contextGroup', `${path}.contextGroups[${i}].group`, visit);
    }
  }
}

/** The Agent or Group itself when identified, then each member as role `member`. */
function visitActor(actor: unknown, role: AgentRole, path: string, visit: AgentVisitor): void {
  if (!isJsonObject(actor)) return;
  if (hasIfi(actor)) visit(actor, role, path);
  const members = actor.member;
  if (actor.objectType === 'Group' && Array.isArray(members)) {
    for (let i = 0; i < members.length; i++) visit(members[i], 'member', `${path}.member[${i}]`);
  }
}

function toExtracted(agent: Record<string, any>, role: AgentRole, path: string): ExtractedAgent {
  const ifi = toStoredIfi(agent);
  return { role, path, ifi, canonicalKey: canonicalIdentifierKey(ifi), name: personaNameFor(agent, ifi), ownName: seenName(agent) };
}
