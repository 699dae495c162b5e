// OpenAPI paths of the xAPI surface. Its handlers are plain express routes (xAPI has its own statuses: 400 for every
// client mistake, 204 for PUT, 501 for what is not served), so the paths are registered here, with operationIds of
// their own, next to the NOT_SERVED table the router uses.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ErrorSchema } from '../http/route-kit.ts';
import { PersonObjectSchema } from '../features/personas/persona-person.routes.ts';
import { NOT_SERVED } from './xapi-router.ts';
import { SERVED_VERSIONS, VERSION_HEADER } from './xapi-version.ts';

const tags = ['xAPI'];
const security: Array<Record<string, string[]>> = [{ basicAuth: [] }, { bearerAuth: [] }];
const versionHeader = z.object({ [VERSION_HEADER]: z.string().meta({ example: '1.0.3', description: '1.0.x or 2.0.x; 400 without it' }) });
const answerHeaders = { [VERSION_HEADER]: { description: '1.0.3, or 2.0.0 for 2.0.x requests', schema: { type: 'string' as const } } };
const error = (description: string) => ({ description, headers: answerHeaders, content: { 'application/json': { schema: ErrorSchema } } });
const clientErrors = {
  401: error('auth.missing_credentials or auth.invalid_credentials'),
  403: error('auth.insufficient_scope'),
};
const Multipart = {
  'multipart/mixed': {
    schema: z.string().meta({
      description:
        'Statements with attachments: the statements as application/json first, then one part per attachment with X-Experience-API-Hash',
    }),
  },
};
const Statement = z
  .record(z.string(), z.unknown())
  .meta({ description: 'An xAPI statement, or Learning Locker\'s forwarded "full document" {statement: {...}, ...}' });

export function registerXapiOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/xapi/about',
    operationId: 'xapiGetAbout',
    tags,
    security: [],
    summary: 'The xAPI versions served (no credentials, no version header needed)',
    responses: {
      200: {
        description: 'About',
        headers: answerHeaders,
        content: { 'application/json': { schema: z.object({ version: z.array(z.enum(SERVED_VERSIONS)) }) } },
      },
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/xapi/statements',
    operationId: 'xapiPostStatements',
    tags,
    security,
    summary: 'Resolve the agents of one statement or an array (scope statements:write); rejected whole if one statement is invalid',
    description:
      'Validated by the same rules as /v1/statements and resolved through the same pipeline (queued when the queue is on). Ids are assigned where missing. No statements are kept, so a repeated id is resolved again (idempotent) rather than answered 409.',
    request: {
      headers: versionHeader,
      body: { required: true, content: { 'application/json': { schema: z.union([Statement, z.array(Statement).min(1)]) }, ...Multipart } },
    },
    responses: {
      200: {
        description: 'The statement ids, in request order',
        headers: answerHeaders,
        content: { 'application/json': { schema: z.array(z.string().uuid()) } },
      },
      400: error(
        'xapi.version_required, xapi.statements_rejected (details name each statement and path), xapi.unsupported_content_type, xapi.invalid_multipart, xapi.invalid_body',
      ),
      413: error('request.payload_too_large'),
      ...clientErrors,
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/xapi/statements',
    operationId: 'xapiPutStatement',
    tags,
    security,
    summary: 'Resolve the agents of one statement stored under statementId (scope statements:write)',
    request: {
      headers: versionHeader,
      query: z.object({ statementId: z.string().uuid() }),
      body: { required: true, content: { 'application/json': { schema: Statement }, ...Multipart } },
    },
    responses: {
      204: { description: 'Accepted (resolved, or queued)', headers: answerHeaders },
      400: error('xapi.statement_id_required, xapi.invalid_statement_id, xapi.statement_id_mismatch, xapi.statements_rejected'),
      ...clientErrors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/xapi/agents',
    operationId: 'xapiGetAgentPerson',
    tags,
    security,
    summary: "The Person object of the persona owning the agent's identifier, following merges (scope personas:read)",
    description: 'An agent no persona has yet answers a Person built from the agent alone, as xAPI requires.',
    request: {
      headers: versionHeader,
      query: z.object({ agent: z.string().meta({ example: '{"mbox":"mailto:ada@example.org"}', description: 'An Agent as JSON' }) }),
    },
    responses: {
      200: { description: 'The Person', headers: answerHeaders, content: { 'application/json': { schema: PersonObjectSchema } } },
      400: error('xapi.agent_required or xapi.invalid_agent'),
      ...clientErrors,
    },
  });
  for (const { path, methods, resource } of NOT_SERVED) {
    const operation = path
      .split('/')
      .filter(Boolean)
      .map((part) => part[0].toUpperCase() + part.slice(1))
      .join('');
    for (const method of methods === 'get' ? ['get' as const] : ['get' as const, 'put' as const, 'post' as const, 'delete' as const]) {
      registry.registerPath({
        method,
        path: `/xapi${path}`,
        operationId: `xapi${method[0].toUpperCase()}${method.slice(1)}${operation}NotServed`,
        tags,
        security,
        summary: `${resource}: not served (501)`,
        request: { headers: versionHeader },
        responses: {
          400: error('xapi.version_required'),
          ...clientErrors,
          501: error('xapi.not_implemented: this service stores no statements or documents'),
        },
      });
    }
  }
}
