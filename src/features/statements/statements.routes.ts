// Ingestion and lookup: POST /v1/statements (one statement or an array; each validated on its own), POST /v1/resolve
// (read-only: the persona of each agent, or null) and GET /v1/jobs/{id} (queued requests).
import { z } from 'zod';
import { countAgents } from '../../domain/xapi/index.ts';
import { apiError, detail } from '../../core/errors/api-error.ts';
import { defineRoute, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import type { JobsService } from '../jobs/jobs.service.ts';
import type { Resolver } from '../resolver/resolver.service.ts';
import type { StatementSink } from './statement-sink.ts';

const AgentRole = z.enum(['actor', 'object', 'instructor', 'team', 'member', 'authority', 'contextAgent', 'contextGroup']);

export const ResolutionResultSchema = z
  .object({
    results: z.array(
      z.object({
        statementId: z.string().nullable(),
        status: z.enum(['resolved', 'rejected']),
        error: z.object({ code: z.string(), message: z.string(), path: z.string() }).nullable(),
        agents: z.array(
          z.object({
            role: AgentRole,
            path: z.string().meta({ example: 'context.team.member[2]' }),
            ifi: z.object({ key: z.string(), value: z.unknown() }),
            identifierId: z.string(),
            personaId: z.string(),
            created: z.boolean(),
          }),
        ),
        blocked: z
          .array(
            z.object({
              role: AgentRole,
              path: z.string(),
              ifi: z.object({ key: z.string(), value: z.unknown() }),
              status: z.literal('blocked'),
              rule: z.string().meta({
                description: 'The identity rule, by its path in GET /v1/identity-rules',
                example: 'blocked.defaults.test_address',
              }),
            }),
          )
          .optional()
          .meta({
            description: 'Agents whose identifier an identity rule blocks: nothing was created or linked for them (absent when none)',
          }),
      }),
    ),
    counts: z.object({
      resolved: z.number().int(),
      rejected: z.number().int(),
      personasCreated: z.number().int(),
      identifiersCreated: z.number().int(),
    }),
    createdPersonaIds: z
      .array(z.string())
      .meta({ description: 'Ids of the personas this request created (counts.personasCreated of them)' }),
  })
  .meta({ id: 'ResolutionResult' });

const StatementsBody = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()).min(1)]).meta({
  description: 'One xAPI statement or an array of statements',
  example: {
    actor: { mbox: 'mailto:ada@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
    object: { id: 'https://example.org/course/1' },
  },
});

export const ResolveBodySchema = z
  .object({
    agents: z
      .array(z.unknown(), { error: 'validation.invalid_type' })
      .min(1)
      .max(1000)
      .meta({ description: 'xAPI Agents or identified Groups' }),
  })
  .strict()
  .meta({ id: 'ResolveRequest' });

export interface StatementRouteDeps {
  sink: StatementSink;
  resolver: Resolver;
  jobs: JobsService;
  /** MAX_AGENTS_PER_REQUEST: more agents in one POST are refused before anything is resolved or queued. */
  maxAgentsPerRequest?: number;
  /** RESOLVE_AUTHORITY: the authority counts as an agent then. */
  includeAuthority?: boolean;
}

/** 413 request.too_many_agents when the statements name more identities in all than the request may. */
function assertAgentBudget(statements: unknown[], deps: StatementRouteDeps): void {
  if (deps.maxAgentsPerRequest === undefined) return;
  let count = 0;
  for (const statement of statements) count += countAgents(statement, { includeAuthority: deps.includeAuthority === true });
  if (count > deps.maxAgentsPerRequest) {
    throw apiError('request.too_many_agents', { max: deps.maxAgentsPerRequest, count }, [
      detail('body', 'request.too_many_agents', { max: deps.maxAgentsPerRequest, count }),
    ]);
  }
}

export function registerStatementRoutes(kit: RouteKit, deps: StatementRouteDeps): void {
  defineRoute(kit, {
    method: 'post',
    path: '/v1/statements',
    scope: 'statements:write',
    tags: ['Statements'],
    body: StatementsBody,
    query: z.object({ wait: z.enum(['true', 'false']).optional().meta({ description: 'With the queue on: resolve inline anyway' }) }),
    summary: 'Resolve the agents of xAPI statements to personas (invalid statements are rejected with a reason, the rest resolved)',
    responses: {
      200: { description: 'Inline: the result document', schema: ResolutionResultSchema },
      202: { description: 'Queued', schema: z.object({ jobId: z.string(), accepted: z.number().int() }) },
      413: { description: 'request.payload_too_large, request.too_many_agents (MAX_AGENTS_PER_REQUEST)' },
    },
    async handler(req, res, caller) {
      const body: unknown = req.body;
      const statements = Array.isArray(body) ? body : body !== null && typeof body === 'object' ? [body] : null;
      if (!statements || statements.length === 0) {
        throw apiError('statements.failed_to_validate', { count: 1 }, [
          { path: '', code: 'validation.invalid_type', message: 'send a statement object or a non-empty array' },
        ]);
      }
      assertAgentBudget(statements, deps);
      const wait = req.query.wait === 'true';
      const answer = await deps.sink.submit(caller, statements, { wait });
      res.status(answer.status).json(answer.body);
    },
  });

  defineRoute(kit, {
    method: 'post',
    path: '/v1/resolve',
    scope: 'personas:read',
    tags: ['Statements'],
    body: ResolveBodySchema,
    summary: 'Read-only lookup: the persona of each agent, or null (nothing is created)',
    responses: {
      200: {
        description: 'One entry per agent, in order',
        schema: z.object({ results: z.array(z.object({ personaId: z.string(), identifierId: z.string() }).nullable()) }),
      },
    },
    async handler(req, res, caller) {
      const { agents } = parseWith(ResolveBodySchema, req.body, 'resolve');
      const found = await deps.resolver.lookupAgents(caller.organisation, agents);
      res.json({
        results: found.map((entry) =>
          entry ? { personaId: entry.personaId.toHexString(), identifierId: entry.identifierId.toHexString() } : null,
        ),
      });
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/jobs/{id}',
    scope: 'statements:write',
    tags: ['Statements'],
    params: z.object({ id: z.string() }),
    summary: 'State of a queued statements request and, once completed, its result document',
    responses: { 200: { description: 'The job report' }, 404: { description: 'jobs.job_not_found or jobs.queue_off' } },
    async handler(req, res, caller) {
      res.json(await deps.jobs.getJob(caller.organisation.toHexString(), String(req.params.id)));
    },
  });
}
