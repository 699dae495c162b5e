// OpenAPI paths of the compatibility surfaces (Learning Locker `/api`, compat spec 3.7; `/crud/personas`, seed 000).
// Their handlers are the compat routers, not defineRoute, so the paths are registered here from one route table.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { DESCRIPTIVE_FIELDS, JSON_FIELDS } from './crud/crud-persona.ts';
import { OBJECT_ID_TEXT } from '../domain/object-id-text.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

const hex = z.string().regex(OBJECT_ID_TEXT);
const LlError = z
  .object({ errorId: z.string(), message: z.string(), error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'LlError' });
const ErmError = z.object({ statusCode: z.number().int(), description: z.string().optional() }).meta({ id: 'ErmError' });
const LlPersona = z.object({ _id: hex, name: z.unknown().optional(), organisation: hex }).meta({ id: 'LlPersona' });
const LlIdentifier = z
  .object({ _id: hex, ifi: z.object({ key: z.string(), value: z.unknown() }), organisation: hex, persona: hex.optional() })
  .meta({ id: 'LlIdentifier' });
const LlAttribute = z
  .object({
    _id: hex,
    organisation: hex,
    personaId: hex,
    key: z.string(),
    value: z.unknown(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    __v: z.number().int(),
  })
  .meta({ id: 'LlAttribute' });
const LlCount = z.object({ count: z.number().int() }).meta({ id: 'LlCount' });
const LlConnection = z
  .object({
    edges: z.array(z.object({ cursor: z.string(), node: z.record(z.string(), z.unknown()) })),
    pageInfo: z.object({
      hasNextPage: z.boolean(),
      hasPreviousPage: z.boolean(),
      startCursor: z.string().optional(),
      endCursor: z.string().optional(),
    }),
  })
  .meta({ id: 'LlConnection' });

const crudFields: Record<string, z.ZodType> = { id: hex, project_id: hex, name: z.string() };
for (const field of DESCRIPTIVE_FIELDS)
  crudFields[field] = (JSON_FIELDS as readonly string[]).includes(field)
    ? z.record(z.string(), z.unknown()).nullable()
    : z.string().nullable();
const CrudPersona = z.object({ ...crudFields, created_at: z.string(), updated_at: z.string() }).meta({ id: 'CrudPersona' });
const CrudError = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: 'CrudError' });
const CrudPersonaInput = z.record(z.string(), z.unknown());
const oneOrBatch = (schema: z.ZodType) => z.union([schema, z.array(schema)]);

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const llQuery = (names: string[]) => z.object(Object.fromEntries(names.map((name) => [name, z.string().optional()])));
const LIST = ['filter', 'query', 'sort', 'limit', 'skip'];
const CONNECTION = ['filter', 'sort', 'project', 'hint', 'first', 'last', 'after', 'before'];

interface CompatPath {
  methods: Method[];
  path: string;
  summary: string;
  status: number;
  schema?: z.ZodType;
  /** The request body; any JSON when absent (writes), none for GET and DELETE. */
  body?: z.ZodType;
  query?: string[];
  params?: string[];
  errors: Record<number, string>;
}

const LL_ROUTES: CompatPath[] = [
  {
    methods: ['get'],
    path: '/api/v2/persona/count',
    summary: 'Count personas (`query` JSON with `$oid`, `$dte`, `$personaIdent`)',
    status: 200,
    schema: LlCount,
    query: ['query'],
    errors: { 400: 'bad query' },
  },
  {
    methods: ['get'],
    path: '/api/v2/persona',
    summary: 'List personas',
    status: 200,
    schema: z.array(LlPersona),
    query: LIST,
    errors: { 400: 'bad JSON or unsafe operator' },
  },
  {
    methods: ['get'],
    path: '/api/v2/persona/{personaId}',
    summary: 'Get a persona',
    status: 200,
    schema: LlPersona,
    params: ['personaId'],
    errors: { 404: 'No model found for Persona with id <id>' },
  },
  {
    methods: ['post', 'put'],
    path: '/api/v2/persona',
    summary: 'Create a persona (`{"name"}`)',
    status: 200,
    schema: LlPersona,
    errors: { 400: 'name not a string' },
  },
  {
    methods: ['post', 'put', 'patch'],
    path: '/api/v2/persona/{personaId}',
    summary: 'Rename a persona',
    status: 200,
    schema: LlPersona,
    params: ['personaId'],
    errors: { 400: 'name missing', 404: 'No model found for personas with id <id>' },
  },
  {
    methods: ['delete'],
    path: '/api/v2/persona/{personaId}',
    summary: 'Delete a persona without identifiers',
    status: 200,
    params: ['personaId'],
    errors: { 400: 'Persona cannot be deleted whilst it still has identifiers', 404: 'No model found for Persona' },
  },
  {
    methods: ['get'],
    path: '/api/connection/persona',
    summary: 'Persona connection (cursor pages; `filter` with `$oid`, `$dte`, `$personaIdent`)',
    status: 200,
    schema: LlConnection,
    query: CONNECTION,
    errors: { 400: 'bad JSON, cursor or hint' },
  },
  {
    methods: ['post'],
    path: '/api/mergepersona',
    summary: 'Merge `mergePersonaFromId` into `mergePersonaToId` (journaled, undoable through /v1)',
    status: 200,
    schema: z.object({ identifierIds: z.array(hex) }),
    query: ['mergePersonaFromId', 'mergePersonaToId'],
    errors: { 400: 'merge into itself', 404: 'No model found for Persona with id <id>' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personaidentifier/count',
    summary: 'Count identifiers (`query` JSON with `$oid`, `$dte`, `$personaIdent`)',
    status: 200,
    schema: LlCount,
    query: ['query'],
    errors: { 400: 'bad query' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personaidentifier',
    summary: 'List identifiers (also /api/v2/personaIdentifier)',
    status: 200,
    schema: z.array(LlIdentifier),
    query: LIST,
    errors: { 400: 'bad JSON or persona id' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personaidentifier/{personaIdentifierId}',
    summary: 'Get an identifier',
    status: 200,
    schema: LlIdentifier,
    params: ['personaIdentifierId'],
    errors: { 404: 'No model found for Identifier' },
  },
  {
    methods: ['post', 'put'],
    path: '/api/v2/personaidentifier',
    summary: 'Create an identifier on a persona (`{"ifi","persona"}`)',
    status: 200,
    schema: LlIdentifier,
    errors: { 400: 'This model already exists / invalid ifi', 404: 'No model found for Persona with id <id>' },
  },
  {
    methods: ['post'],
    path: '/api/v2/personaidentifier/upsert',
    summary: 'Find or create an identifier; with `persona`, create on or move to it',
    status: 200,
    schema: LlIdentifier,
    errors: { 400: 'invalid ifi', 404: 'persona unknown' },
  },
  {
    methods: ['post', 'put', 'patch'],
    path: '/api/v2/personaidentifier/{personaIdentifierId}',
    summary: 'Move an identifier to `persona`',
    status: 200,
    schema: LlIdentifier,
    params: ['personaIdentifierId'],
    errors: { 400: '`persona` must be included when updating an identifier', 404: 'No model found for Persona Identifier' },
  },
  {
    methods: ['delete'],
    path: '/api/v2/personaidentifier/{personaIdentifierId}',
    summary: 'Delete an identifier (refused while statements have its IFI as actor, when statement write-back is on)',
    status: 200,
    params: ['personaIdentifierId'],
    errors: { 400: 'Cannot remove personaIdentifier; statements exists in LRS with ifi', 404: 'No model found for Identifier' },
  },
  {
    methods: ['get'],
    path: '/api/connection/personaidentifier',
    summary: 'Identifier connection (`filter` with `$oid`, `$dte`, `$personaIdent`)',
    status: 200,
    schema: LlConnection,
    query: CONNECTION,
    errors: { 400: 'bad JSON, cursor or hint' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personaattribute',
    summary: 'List attributes (ERM query syntax)',
    status: 200,
    schema: z.array(LlAttribute),
    query: ['query', 'sort', 'select', 'skip', 'limit', 'distinct'],
    errors: { 400: 'invalid_json' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personaattribute/count',
    summary: 'Count attributes',
    status: 200,
    schema: LlCount,
    query: ['query'],
    errors: { 400: 'invalid_json' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personaattribute/{id}',
    summary: 'Get an attribute',
    status: 200,
    schema: LlAttribute,
    params: ['id'],
    errors: { 404: '{"statusCode":404}' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personaattribute/{id}/shallow',
    summary: 'Get an attribute, object fields as true',
    status: 200,
    params: ['id'],
    errors: { 404: '{"statusCode":404}' },
  },
  {
    methods: ['post'],
    path: '/api/v2/personaattribute',
    summary: 'Create (or set) an attribute',
    status: 201,
    schema: LlAttribute,
    errors: { 400: 'content type or validation', 404: 'persona unknown' },
  },
  {
    methods: ['post', 'put', 'patch'],
    path: '/api/v2/personaattribute/{id}',
    summary: 'Update an attribute',
    status: 200,
    schema: LlAttribute,
    params: ['id'],
    errors: { 400: 'content type or validation', 404: '{"statusCode":404}' },
  },
  {
    methods: ['delete'],
    path: '/api/v2/personaattribute/{id}',
    summary: 'Delete an attribute',
    status: 204,
    params: ['id'],
    errors: { 404: '{"statusCode":404}' },
  },
  {
    methods: ['delete'],
    path: '/api/v2/personaattribute',
    summary: 'Delete the attributes matching `query` (required)',
    status: 204,
    query: ['query'],
    errors: { 400: 'query missing' },
  },
  {
    methods: ['get'],
    path: '/api/connection/personaattribute',
    summary: 'Attribute connection (LL generic cursors)',
    status: 200,
    schema: LlConnection,
    query: CONNECTION,
    errors: { 400: 'bad JSON, cursor or hint' },
  },
  {
    methods: ['post'],
    path: '/api/uploadpersonas',
    summary: 'Upload the CSV of a personasImport (multipart `id`, `file`); proposes a structure',
    status: 200,
    errors: {
      400: 'The CSV cannot be empty. / The CSV cannot contain duplicate headings.',
      404: 'import not in the organisation',
      409: 'import processing',
    },
  },
  {
    methods: ['post'],
    path: '/api/importpersonas',
    summary: 'Start a personasImport (`{"id"}`); rows run in the background through the identity import service',
    status: 200,
    errors: { 400: 'invalid structure (named) or no CSV', 404: 'import not in the organisation', 409: 'already processing' },
  },
  {
    methods: ['get'],
    path: '/api/organisation/{organisationId}/importpersonaserror/{file}',
    summary: 'The error CSV (`<id>.csv`): original columns plus `errors`',
    status: 200,
    params: ['organisationId', 'file'],
    errors: { 404: 'unknown import' },
  },
  {
    methods: ['post'],
    path: '/api/uploadpersona',
    summary: 'Import one person (`{"personaName"?, "ifi"?, "ifis", "attribute"?, "attributes"?}`) → `{"merged"}`',
    status: 200,
    schema: z.object({ merged: z.boolean() }),
    errors: { 400: 'ifis missing or invalid (named)', 409: 'identifiers belong to different personas' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personasimport',
    summary: 'List persona imports (ERM query syntax)',
    status: 200,
    query: ['query', 'sort', 'select', 'skip', 'limit'],
    errors: { 400: 'invalid_json' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personasimport/count',
    summary: 'Count persona imports',
    status: 200,
    schema: LlCount,
    query: ['query'],
    errors: { 400: 'invalid_json' },
  },
  {
    methods: ['post'],
    path: '/api/v2/personasimport',
    summary: 'Create a persona import (`{"title"}`)',
    status: 201,
    errors: { 400: 'content type or validation' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personasimport/{id}',
    summary: 'Get a persona import',
    status: 200,
    params: ['id'],
    errors: { 404: '{"statusCode":404}' },
  },
  {
    methods: ['post', 'put', 'patch'],
    path: '/api/v2/personasimport/{id}',
    summary: 'Update title or structure (validated as LL does)',
    status: 200,
    params: ['id'],
    errors: { 400: 'ValidationError', 404: '{"statusCode":404}', 409: 'import processing' },
  },
  {
    methods: ['delete'],
    path: '/api/v2/personasimport/{id}',
    summary: 'Delete a persona import and its CSV',
    status: 204,
    params: ['id'],
    errors: { 404: '{"statusCode":404}', 409: 'import processing' },
  },
  {
    methods: ['get'],
    path: '/api/v2/personasimporttemplate',
    summary: 'List import templates',
    status: 200,
    query: ['query', 'sort', 'select', 'skip', 'limit'],
    errors: { 400: 'invalid_json' },
  },
  {
    methods: ['post'],
    path: '/api/v2/personasimporttemplate',
    summary: 'Create an import template (`{"name", "structure"?, "isPublic"?}`)',
    status: 201,
    errors: { 400: 'content type or validation' },
  },
  {
    methods: ['get', 'post', 'put', 'patch', 'delete'],
    path: '/api/v2/personasimporttemplate/{id}',
    summary: 'Get, update (200) or delete (204) an import template',
    status: 200,
    params: ['id'],
    errors: { 404: '{"statusCode":404}' },
  },
  {
    methods: ['get'],
    path: '/api/connection/personasimport',
    summary: 'Persona import connection (LL generic cursors)',
    status: 200,
    schema: LlConnection,
    query: CONNECTION,
    errors: { 400: 'bad JSON or cursor' },
  },
  {
    methods: ['get'],
    path: '/api/connection/personasimporttemplate',
    summary: 'Import template connection (LL generic cursors)',
    status: 200,
    schema: LlConnection,
    query: CONNECTION,
    errors: { 400: 'bad JSON or cursor' },
  },
  {
    methods: ['get'],
    path: '/api/indexes/{model}',
    summary: 'Indexes of personaattribute, personasimport or personasimporttemplate',
    status: 200,
    schema: z.array(z.object({ key: z.record(z.string(), z.unknown()), name: z.string() })),
    params: ['model'],
    errors: { 404: 'unknown model' },
  },
];

const CRUD_ROUTES: CompatPath[] = [
  {
    methods: ['get'],
    path: '/crud/personas',
    summary: 'List personas of a project (`project_id`, `limit` default 100, `offset`, `search` over name and tagline), or one with `?id=`',
    status: 200,
    schema: z.array(CrudPersona),
    query: ['project_id', 'id', 'limit', 'offset', 'search'],
    errors: { 400: 'bad parameter', 404: 'unknown project or persona' },
  },
  {
    methods: ['post'],
    path: '/crud/personas',
    summary: 'Create a persona, or a batch (array; answers an array in request order)',
    status: 201,
    schema: oneOrBatch(CrudPersona),
    body: oneOrBatch(CrudPersonaInput),
    errors: { 400: 'invalid field (named)', 404: 'unknown project' },
  },
  {
    methods: ['put'],
    path: '/crud/personas',
    summary: 'Update a persona (id in the body), or a batch (array; an id may appear once)',
    status: 200,
    schema: oneOrBatch(CrudPersona),
    body: oneOrBatch(CrudPersonaInput),
    errors: { 400: 'invalid field (named) or repeated id', 404: 'unknown persona or project' },
  },
  {
    methods: ['delete'],
    path: '/crud/personas',
    summary: 'Delete a persona (`?id=`), or a batch (body array of {id}, each id once)',
    status: 200,
    schema: z.object({ deleted: z.array(hex) }),
    body: z.array(z.object({ id: hex })),
    query: ['id', 'project_id'],
    errors: { 400: 'no id, empty or repeated id', 404: 'unknown persona', 409: 'persona still has identifiers' },
  },
];

/** The 401/403 answers: LL's text 401 and LL body 403 on /api, the route family's error body on /crud. */
const LL_AUTH = {
  401: { description: 'Unauthorized (text)' },
  403: { description: 'Priviliges not sufficient for this operation (scope or expired organisation)', content: json(LlError) },
};
const CRUD_AUTH = {
  401: { description: 'Missing or invalid credentials', content: json(CrudError) },
  403: { description: 'Missing scope or expired organisation', content: json(CrudError) },
};

function register(
  registry: OpenAPIRegistry,
  route: CompatPath,
  tag: string,
  errorSchema: z.ZodType,
  auth: typeof LL_AUTH | typeof CRUD_AUTH,
): void {
  for (const method of route.methods) {
    const responses: Record<string, { description: string; content?: ReturnType<typeof json> }> = {
      [route.status]: { description: 'Success', ...(route.schema ? { content: json(route.schema) } : {}) },
      ...auth,
    };
    for (const [status, description] of Object.entries(route.errors)) responses[status] = { description, content: json(errorSchema) };
    registry.registerPath({
      method,
      path: route.path,
      tags: [tag],
      summary: route.summary,
      request: {
        ...(route.params ? { params: z.object(Object.fromEntries(route.params.map((name) => [name, z.string()]))) } : {}),
        ...(route.query ? { query: llQuery(route.query) } : {}),
        ...(route.body
          ? { body: { content: json(route.body) } }
          : method !== 'get' && method !== 'delete'
            ? { body: { content: json(z.unknown()) } }
            : {}),
      },
      responses,
    });
  }
}

export function registerCompatOpenApi(registry: OpenAPIRegistry): void {
  for (const route of LL_ROUTES)
    register(
      registry,
      route,
      'Learning Locker compatibility',
      /\/v2\/(personaattribute|personasimport)/.test(route.path) ? ErmError : LlError,
      LL_AUTH,
    );
  for (const route of CRUD_ROUTES) register(registry, route, 'CRUD personas compatibility', CrudError, CRUD_AUTH);
}
