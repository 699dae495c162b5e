// The xAPI Agents resource (1.0.3 Communication and 2.0, "Agents Resource"): GET /agents?agent=<Agent JSON> answers
// the Person object of the persona owning the agent's identifier; an agent nobody has yet gives a Person built from
// the agent alone, as the specification requires (never a 404).
import type { Request, Router } from 'express';
import { hasIfi, validateAgentOrGroup } from '../domain/xapi/index.ts';
import { callerOf, requireScope } from '../http/auth/authenticate.ts';
import { ApiError, apiError } from '../core/errors/api-error.ts';
import type { PersonReader } from '../features/personas/persona-person.ts';

/** The `agent` parameter as a validated Agent (or identified Group: a team is a persona too). */
function agentParameter(req: Request): Record<string, unknown> {
  const raw = req.query.agent;
  if (raw === undefined || raw === '') throw apiError('xapi.agent_required');
  if (typeof raw !== 'string') throw apiError('xapi.invalid_agent', { reason: 'give the agent parameter once' });
  let agent: unknown;
  try {
    agent = JSON.parse(raw);
  } catch {
    throw apiError('xapi.invalid_agent', { reason: 'it is not JSON' });
  }
  const error = validateAgentOrGroup(agent, 'agent');
  if (error) throw new ApiError('xapi.invalid_agent', { params: { reason: error.message }, details: [error] });
  const valid = agent as Record<string, unknown>;
  if (!hasIfi(valid))
    throw apiError('xapi.invalid_agent', { reason: 'an anonymous Group identifies nobody; give an Agent with one identifier' });
  return valid;
}

export function registerXapiAgentRoutes(router: Router, { persons }: { persons: PersonReader }): void {
  router.get('/agents', requireScope('personas:read'), async (req, res) => {
    const agent = agentParameter(req);
    res.json(await persons.ofAgent(callerOf(res).organisation, agent));
  });
}
