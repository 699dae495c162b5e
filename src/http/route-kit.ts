// How a feature declares a route: once, with its zod schemas. defineRoute registers the express handler (auth and
// scope first) AND the OpenAPI path from the same schema objects, so the document cannot drift from validation.
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Scope } from '../domain/model.ts';
import type { Caller } from '../core/caller.ts';
import { callerOf, requireScope } from './auth/authenticate.ts';
import type { ListSpec } from '../core/list/list-fields.ts';
import { MAX_LIMIT } from '../core/list/list-query.ts';

export interface RouteKit {
  router: Router;
  openapi: OpenAPIRegistry;
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'personas.persona_not_found' }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: 'Error' });

export const PageSchema = z
  .object({
    limit: z.number().int(),
    offset: z.number().int(),
    nextCursor: z.string().nullable(),
    prevCursor: z.string().nullable(),
  })
  .meta({ id: 'Page' });

export const CountSchema = z.object({ count: z.number().int() }).meta({ id: 'Count' });

export const BatchResultSchema = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.number().int(),
        id: z.string().nullable(),
        error: ErrorSchema.shape.error.nullable(),
      }),
    ),
  })
  .meta({ id: 'BatchResult' });

export function listOf(item: z.ZodType, id: string) {
  return z.object({ data: z.array(item), page: PageSchema }).meta({ id });
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteDefinition {
  method: Method;
  /** OpenAPI form: `/v1/personas/{id}`. */
  path: string;
  /** Absent: no credentials needed. */
  scope?: Scope;
  tags: string[];
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType; headers?: Record<string, { description: string }> }>;
  handler(req: Request, res: Response, caller: Caller): Promise<void> | void;
}

const ERROR_RESPONSES: Record<number, string> = {
  400: 'Malformed request (unparseable JSON, bad query parameters or ids)',
  401: 'Missing or invalid credentials',
  403: 'The client lacks the scope',
  422: 'Validation failed (details name each problem)',
};

/** The kit's router is mounted at /v1: `/v1/personas/{id}` → `/personas/:id`. */
function toExpressPath(path: string): string {
  return path.replace(/^\/v1(?=\/)/, '').replace(/\{(\w+)\}/g, ':$1');
}

export function defineRoute(kit: RouteKit, route: RouteDefinition): void {
  const handlers = [
    (_req: Request, res: Response, next: () => void) => {
      res.locals.routePattern = route.path;
      next();
    },
    ...(route.scope ? [requireScope(route.scope)] : []),
    async (req: Request, res: Response) => {
      await route.handler(req, res, route.scope ? callerOf(res) : (undefined as unknown as Caller));
    },
  ];
  kit.router[route.method](toExpressPath(route.path), ...handlers);
  const responses: RouteConfig['responses'] = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(response.headers).map(([name, header]) => [name, { ...header, schema: { type: 'string' } }]),
            ),
          }
        : {}),
      ...(response.schema ? { content: { 'application/json': { schema: response.schema } } } : {}),
    };
  }
  for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
    if (!route.scope && (status === '401' || status === '403')) continue;
    responses[status] ??= { description, content: { 'application/json': { schema: ErrorSchema } } };
  }
  kit.openapi.registerPath({
    method: route.method,
    path: route.path,
    tags: route.tags,
    summary: route.summary,
    description: route.description,
    ...(route.scope ? { security: [{ basicAuth: [] }, { bearerAuth: [] }] } : { security: [] }),
    request: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    },
    responses,
  });
}

/** The documented query parameters of a list route, from the same ListSpec that parses them. */
export function listQueryDoc(spec: ListSpec): z.ZodObject {
  const fields = Object.keys(spec.fields);
  const families = Object.keys(spec.families ?? {}).map((prefix) => `${prefix}<key>`);
  const shape: Record<string, z.ZodType> = {
    limit: z
      .string()
      .optional()
      .meta({ description: `Rows per page, default 20, at most ${MAX_LIMIT} (larger is clamped)` }),
    offset: z.string().optional().meta({ description: 'Rows to skip (not with after/before)' }),
    after: z.string().optional().meta({ description: 'Opaque cursor: the page after (page.nextCursor)' }),
    before: z.string().optional().meta({ description: 'Opaque cursor: the page before (page.prevCursor)' }),
    sort: z
      .string()
      .optional()
      .meta({
        description: `Comma-separated fields, '-' for descending; a unique tie-breaker on id is always added. Sortable: ${fields.filter((field) => spec.fields[field].sortable).join(', ')}`,
      }),
    stack: z
      .string()
      .optional()
      .meta({
        description: `Group the page by a field (it becomes the first sort key): data is [{key, count, items}], count within the page. Stackable: ${fields.filter((field) => spec.fields[field].stackable).join(', ') || 'none'}`,
      }),
  };
  if (spec.searchPaths?.length)
    shape.search = z
      .string()
      .optional()
      .meta({ description: spec.searchDescription ?? `Case-insensitive substring of ${spec.searchPaths.join(' or ')}` });
  if (spec.includes?.length)
    shape.include = z
      .string()
      .optional()
      .meta({ description: `Embed: ${spec.includes.join(',')}` });
  for (const shorthand of spec.shorthands ?? [])
    shape[shorthand] = z
      .string()
      .optional()
      .meta({ description: `Same as search.${shorthand}.eq` });
  shape['search.<field>.<op>'] = z
    .string()
    .optional()
    .meta({
      description: `Filter. Fields: ${[...fields, ...families].join(', ')}. Ops: eq ne like in gt gte lt lte exists (in: comma-separated; like: case-insensitive substring; exists: true|false). Unknown fields or ops: 400 query.invalid_filter.`,
    });
  return z.object(shape);
}

export function objectIdParams(...names: string[]): z.ZodObject {
  return z.object(Object.fromEntries(names.map((name) => [name, z.string().meta({ description: '24-hex id' })])));
}
