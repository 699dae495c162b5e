// The OpenAPI 3.1 document, generated from the registry that defineRoute fills with the same zod schemas the routes
// validate with, plus the operations routes.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { addOperationIds } from './openapi-operation-ids.ts';
import { ErrorSchema } from './route-kit.ts';

export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'basicAuth', { type: 'http', scheme: 'basic', description: 'API client key:secret' });
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'Bearer <key>.<secret>' });
  const text = (description: string) => ({ 200: { description, content: { 'text/plain': { schema: z.string() } } } });
  registry.registerPath({
    method: 'get',
    path: '/health',
    tags: ['Operations'],
    summary: 'The process is up',
    security: [],
    responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
  });
  registry.registerPath({
    method: 'get',
    path: '/ready',
    tags: ['Operations'],
    summary: 'The store (and queue, when on) answer',
    security: [],
    responses: { 200: { description: 'Ready' }, 503: { description: 'store.unavailable' } },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['Operations'],
    summary: "This process's Prometheus metrics (Bearer METRICS_TOKEN when configured)",
    security: [],
    responses: {
      ...text('Prometheus text format'),
      401: {
        description: 'auth.invalid_credentials: METRICS_TOKEN is set and the request does not bear it',
        content: { 'application/json': { schema: ErrorSchema } },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics/cluster',
    tags: ['Operations'],
    summary: 'The deployment-wide queue and worker metrics, the same from every replica (Bearer METRICS_TOKEN when configured)',
    security: [],
    responses: {
      ...text('Prometheus text format'),
      401: {
        description: 'auth.invalid_credentials: METRICS_TOKEN is set and the request does not bear it',
        content: { 'application/json': { schema: ErrorSchema } },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    tags: ['Operations'],
    summary: 'This document',
    security: [],
    responses: { 200: { description: 'OpenAPI 3.1' } },
  });
  registry.registerPath({
    method: 'get',
    path: '/docs',
    tags: ['Operations'],
    summary: 'Rendered API reference',
    security: [],
    responses: { 200: { description: 'HTML' } },
  });
  return registry;
}

const DESCRIPTION = `Resolves xAPI statement identifiers to personas, per organisation.

- Authenticate with HTTP Basic (\`key:secret\`) or \`Authorization: Bearer <key>.<secret>\`. Missing or invalid credentials: 401; missing scope: 403. Another organisation's documents answer 404.
- Errors: \`{"error": {"code", "message", "details": [{path, code, message}]}}\`. Unparseable JSON: 400 \`<resource>.failed_to_serialize\`; invalid values: 422 \`<resource>.failed_to_validate\`; oversized bodies: 413 \`request.payload_too_large\`.
- Lists answer \`{data, page: {limit, offset, nextCursor, prevCursor}}\`. Page with \`offset\`, or with the opaque, tamper-evident cursors \`after\`/\`before\` (cost independent of depth; a forged cursor or one from another query is 400 \`query.invalid_cursor\`).
- Batch endpoints take at most 1000 items and answer one result per item.`;

export function generateOpenApiDocument(registry: OpenAPIRegistry): Record<string, unknown> {
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'persona-resolver', version: '1', description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
    // Relative: every instance serves the document that describes it, whatever host and port it is reached on.
    servers: [{ url: '/', description: 'The instance serving this document' }],
    security: [{ basicAuth: [] }, { bearerAuth: [] }],
  });
  addOperationIds(document.paths as Parameters<typeof addOperationIds>[0]);
  return document as unknown as Record<string, unknown>;
}
