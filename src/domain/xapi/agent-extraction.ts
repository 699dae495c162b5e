// Every identity a validated statement names (xapi-agents.md section 3), in a fixed document order: actor, object
// (or the SubStatement's actor, object and context), context, then authority when asked for. Anonymous Groups
// identify nobody and contribute only their members. Input must have passed validateStatement.
import type { Ifi } from '../model.ts';
import { canonicalIdentifierKey, hasIfi, toStoredIfi } from './canonical-identifier.ts';
import { personaNameFor } from './persona-name.ts';

export type AgentRole =
  | 'actor' | 'object' | 'instructor' | 'team' | 'member' | 'authority' | 'contextAgent' | 'contextGroup';

export interface ExtractedAgent {
  role: AgentRole;
  /** JSON path in the statement, e.g. `actor.member[0]`, `object.context.contextGroups[1].group`. */
  path: string;
  ifi: Ifi;
  canonicalKey: string;
  /** personaNameFor(agent, ifi): the name a persona created for this agent gets. */
  name: string;
}

export function extractAgents(statement: Record<string, any>, options: { includeAuthority: boolean }): ExtractedAgent[] {
  const found: ExtractedAgent[] = [];
  collectStatementParts(statement, '', found);
  if (options.includeAuthority && statement.authority !== undefined) {
    collectActor(statement.authority, 'authority', 'authority', found);
  }
  return found;
}

function collectStatementParts(statement: Record<string, any>, prefix: string, found: ExtractedAgent[]): void {
  collectActor(statement.actor, 'actor', `${prefix}actor`, found);
  const object = statement.object;
  const objectType = object?.objectType;
  if (objectType === 'Agent' || objectType === 'Group') collectActor(object, 'object', `${prefix}object`, found);
  else if (objectType === 'SubStatement' && prefix === '') collectStatementParts(object, 'object.', found);
  const context = statement.context;
  if (context !== undefined) collectContext(context, `${prefix}context`, found);
}

function collectContext(context: Record<string, any>, path: string, found: ExtractedAgent[]): void {
  if (context.instructor !== undefined) collectActor(context.instructor, 'instructor', `${path}.instructor`, found);
  if (context.team !== undefined) collectActor(context.team, 'team', `${path}.team`, found);
  const contextAgents = context.contextAgents;
  if (contextAgents !== undefined) {
    for (let i = 0; i < contextAgents.length; i++) {
      collectActor(contextAgents[i].agent, 'contextAgent', `${path}.contextAgents[${i}].agent`, found);
    }
  }
  const contextGroups = context.contextGroups;
  if (contextGroups !== undefined) {
    for (let i = 0; i < contextGroups.length; i++) {
      collectActor(contextGroups[i].group, 'contextGroup', `${path}.contextGroups[${i}].group`, found);
    }
  }
}

/** The Agent or Group itself when identified, then each member as role `member`. */
function collectActor(actor: Record<string, any>, role: AgentRole, path: string, found: ExtractedAgent[]): void {
  if (hasIfi(actor)) found.push(toExtracted(actor, role, path));
  const members = actor.member;
  if (actor.objectType === 'Group' && members !== undefined) {
    for (let i = 0; i < members.length; i++) found.push(toExtracted(members[i], 'member', `${path}.member[${i}]`));
  }
}

function toExtracted(agent: Record<string, any>, role: AgentRole, path: string): ExtractedAgent {
  const ifi = toStoredIfi(agent);
  return { role, path, ifi, canonicalKey: canonicalIdentifierKey(ifi), name: personaNameFor(agent, ifi) };
}
