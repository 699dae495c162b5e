// One entry per operation of the route table (the OpenAPI document, which lists /v1, /api, /crud and /xapi): the
// scope it needs and a request that works on real ids of the owner's organisation. The matrix test runs each entry as
// every kind of caller; an operation without an entry here fails it, so a new route cannot skip the matrix.
import { randomUUID } from 'node:crypto';
import type { Scope } from '../../../src/domain/model.ts';
import { multipart } from '../../compat/support/ll-import-client.ts';
import { ACCOUNT_HOME_PAGE, type VictimFixture } from './victim-fixture.ts';

/** `public`: no credentials; `caller`: any valid credentials, no particular scope. */
export type Access = Scope | 'public' | 'caller';

export interface MatrixRequest {
  query?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** Path parameters other than the default for the route's family (see DEFAULT_PARAMETERS). */
  params?: Record<string, string>;
}

export interface MatrixEntry {
  access: Access;
  request?(fixture: VictimFixture): MatrixRequest;
  /** What the owner gets when it is not a 2xx (documented refusals that still prove the id was found and allowed). */
  ownerStatus?: number;
}

const unique = () => randomUUID().slice(0, 8);
const statement = (fixture: VictimFixture) => ({
  actor: { mbox: fixture.mbox },
  verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
  object: { id: 'https://victim.example/course' },
});
const XAPI = { 'x-experience-api-version': '1.0.3' };
const oid = (id: string) => encodeURIComponent(JSON.stringify({ personaId: { $oid: id } }));
const NOT_SERVED: MatrixEntry = { access: 'caller', request: () => ({ headers: XAPI }), ownerStatus: 501 };
const llName = { access: 'personas:write', request: () => ({ body: { name: `ll-${unique()}` } }) } satisfies MatrixEntry;
const llIdentifierCreate = {
  access: 'personas:write',
  request: (f: VictimFixture) => ({ body: { persona: f.persona, ifi: { key: 'openid', value: `https://own.example/${unique()}` } } }),
} satisfies MatrixEntry;
const llIdentifierMove = {
  access: 'personas:write',
  request: (f: VictimFixture) => ({ body: { persona: f.target } }),
} satisfies MatrixEntry;
const attributeUpdate = { access: 'personas:write', request: () => ({ body: { value: `v-${unique()}` } }) } satisfies MatrixEntry;
const importUpdate = { access: 'personas:write', request: () => ({ body: { title: `t-${unique()}` } }) } satisfies MatrixEntry;
const templateUpdate = { access: 'personas:write', request: () => ({ body: { name: `t-${unique()}` } }) } satisfies MatrixEntry;

/** A Learning Locker model's count, list, create (POST, PUT), read, update (POST, PUT, PATCH) and delete. */
function llModel(
  path: string,
  idParam: string,
  create: MatrixEntry,
  update: MatrixEntry,
  remove: MatrixEntry,
): Record<string, MatrixEntry> {
  const read: MatrixEntry = { access: 'personas:read' };
  const byId = `${path}/{${idParam}}`;
  return {
    [`GET ${path}/count`]: read,
    [`GET ${path}`]: read,
    [`POST ${path}`]: create,
    [`PUT ${path}`]: create,
    [`GET ${byId}`]: read,
    ...Object.fromEntries(['POST', 'PUT', 'PATCH'].map((method) => [`${method} ${byId}`, update])),
    [`DELETE ${byId}`]: remove,
  };
}

/** An ERM resource's list, create, read, update (POST, PUT, PATCH) and delete. */
function ermResource(path: string, update: MatrixEntry): Record<string, MatrixEntry> {
  const read: MatrixEntry = { access: 'personas:read' };
  return {
    [`GET ${path}`]: read,
    [`POST ${path}`]: update,
    [`GET ${path}/{id}`]: read,
    ...Object.fromEntries(['POST', 'PUT', 'PATCH'].map((method) => [`${method} ${path}/{id}`, update])),
    [`DELETE ${path}/{id}`]: { access: 'personas:write' },
  };
}

function csvUpload(fields: Record<string, string>): MatrixRequest {
  const form = multipart(fields, { name: 'people.csv', content: `email,name\nup-${unique()}@own.example,Up\n` });
  return { raw: form.raw, headers: form.headers };
}

export const ROUTE_MATRIX: Record<string, MatrixEntry> = {
  'GET /health': { access: 'public' },
  'GET /ready': { access: 'public' },
  'GET /metrics': { access: 'public' },
  'GET /metrics/cluster': { access: 'public' },
  'GET /openapi.json': { access: 'public' },
  'GET /docs': { access: 'public' },
  'GET /v1/me': { access: 'caller' },
  'POST /v1/statements': { access: 'statements:write', request: (f) => ({ body: [statement(f)] }) },
  'POST /v1/resolve': { access: 'personas:read', request: (f) => ({ body: { agents: [{ mbox: f.mbox }] } }) },
  'GET /v1/jobs/{id}': { access: 'statements:write', ownerStatus: 404 },
  'GET /v1/personas': { access: 'personas:read' },
  'POST /v1/personas': { access: 'personas:write', request: () => ({ body: { name: `own-${unique()}` } }) },
  'PUT /v1/personas': { access: 'personas:write', request: (f) => ({ body: [{ id: f.persona, name: `renamed-${unique()}` }] }) },
  'DELETE /v1/personas': { access: 'personas:write', request: (f) => ({ body: [{ id: f.bare }] }) },
  'GET /v1/personas/count': { access: 'personas:read' },
  'GET /v1/personas/by-identifier': { access: 'personas:read', request: (f) => ({ query: `mbox=${encodeURIComponent(f.mbox)}` }) },
  'GET /v1/personas/by-user': {
    access: 'personas:read',
    request: (f) => ({ query: `userId=${f.userId}&homePage=${encodeURIComponent(ACCOUNT_HOME_PAGE)}` }),
  },
  'PUT /v1/personas/by-user': {
    access: 'personas:write',
    request: (f) => ({
      query: `userId=${f.userId}&homePage=${encodeURIComponent(ACCOUNT_HOME_PAGE)}`,
      body: { name: `by-user-${unique()}` },
    }),
  },
  'GET /v1/personas/{id}': { access: 'personas:read' },
  'PUT /v1/personas/{id}': { access: 'personas:write', request: () => ({ body: { name: `put-${unique()}` } }) },
  'PATCH /v1/personas/{id}': { access: 'personas:write', request: () => ({ body: { name: `patch-${unique()}` } }) },
  'DELETE /v1/personas/{id}': { access: 'personas:write', request: (f) => ({ params: { id: f.bare } }) },
  'GET /v1/attributes': { access: 'personas:read' },
  'GET /v1/attributes/count': { access: 'personas:read' },
  'GET /v1/personas/{id}/attributes': { access: 'personas:read' },
  'PUT /v1/personas/{id}/attributes/{key}': attributeUpdate,
  'DELETE /v1/personas/{id}/attributes/{key}': { access: 'personas:write' },
  'GET /v1/identifiers': { access: 'personas:read' },
  'POST /v1/identifiers': llIdentifierCreate,
  'GET /v1/identifiers/count': { access: 'personas:read' },
  'GET /v1/identifiers/{id}': { access: 'personas:read' },
  'PUT /v1/identifiers/{id}': llIdentifierMove,
  'DELETE /v1/identifiers/{id}': { access: 'personas:write' },
  'GET /v1/persona-links': { access: 'personas:read' },
  'POST /v1/persona-links': {
    access: 'personas:write',
    request: (f) => ({ body: { persona: f.persona, recTypeName: 'lms-user', recId: unique() } }),
  },
  'GET /v1/persona-links/count': { access: 'personas:read' },
  'GET /v1/persona-links/{id}': { access: 'personas:read' },
  'PUT /v1/persona-links/{id}': { access: 'personas:write', request: () => ({ body: { recId: unique() } }) },
  'DELETE /v1/persona-links/{id}': { access: 'personas:write' },
  'POST /v1/clients': { access: 'clients:admin', request: () => ({ body: { title: 'matrix', scopes: ['personas:read'] } }) },
  'GET /v1/clients': { access: 'clients:admin' },
  'DELETE /v1/clients/{id}': { access: 'clients:admin' },
  'GET /v1/identity-rules': { access: 'personas:read' },
  'PUT /v1/identity-rules': { access: 'clients:admin', request: () => ({ body: { namePolicy: 'first' } }) },
  'POST /v1/personas/{id}/merge': { access: 'personas:merge', request: (f) => ({ params: { id: f.target }, body: { from: [f.bare] } }) },
  'GET /v1/merges': { access: 'personas:read' },
  'GET /v1/merges/{id}': { access: 'personas:read' },
  'POST /v1/merges/{id}/undo': { access: 'personas:merge' },
  'GET /v1/duplicates': { access: 'personas:read' },
  'GET /v1/personas/{id}/duplicates': { access: 'personas:read' },
  'POST /v1/duplicates/dismiss': { access: 'personas:merge', request: (f) => ({ body: { pairs: [[f.persona, f.target]] } }) },
  'POST /v1/duplicates/auto-merge': { access: 'personas:merge' },
  'GET /v1/personas/{id}/export': { access: 'personas:read' },
  'GET /v1/personas/export': { access: 'personas:read', request: () => ({ query: 'pseudonymised=true' }) },
  'GET /v1/pseudonymisation': { access: 'personas:read' },
  'PUT /v1/pseudonymisation': { access: 'clients:admin', request: () => ({ body: { enabled: true } }) },
  'POST /v1/pseudonymisation/rotate': { access: 'clients:admin' },
  'GET /v1/pseudonyms/{pseudonym}': { access: 'clients:admin', request: (f) => ({ params: { pseudonym: f.pseudonym } }) },
  'GET /v1/stats/identity': { access: 'personas:read' },
  'POST /v1/personas/{id}/erase': { access: 'personas:erase' },
  'GET /v1/personas/{id}/person': { access: 'personas:read' },
  'POST /v1/imports': {
    access: 'personas:write',
    request: () => csvUpload({ mapping: JSON.stringify({ columns: { email: { type: 'mbox', primary: 1 }, name: { type: 'name' } } }) }),
  },
  'GET /v1/imports/{id}': { access: 'personas:read' },
  'GET /v1/imports/{id}/errors': { access: 'personas:read' },

  ...llModel('/api/v2/persona', 'personaId', llName, llName, {
    access: 'personas:write',
    request: (f) => ({ params: { personaId: f.bare } }),
  }),
  'GET /api/connection/persona': { access: 'personas:read' },
  'POST /api/mergepersona': {
    access: 'personas:merge',
    request: (f) => ({ query: `mergePersonaFromId=${f.bare}&mergePersonaToId=${f.target}` }),
  },
  ...llModel('/api/v2/personaidentifier', 'personaIdentifierId', llIdentifierCreate, llIdentifierMove, { access: 'personas:write' }),
  'POST /api/v2/personaidentifier/upsert': llIdentifierCreate,
  'GET /api/connection/personaidentifier': { access: 'personas:read' },
  'GET /api/v2/personaattribute': { access: 'personas:read' },
  'POST /api/v2/personaattribute': {
    access: 'personas:write',
    request: (f) => ({ body: { personaId: f.persona, key: `k${unique()}`, value: 'v' } }),
  },
  'DELETE /api/v2/personaattribute': { access: 'personas:write', request: (f) => ({ query: `query=${oid(f.persona)}` }) },
  'GET /api/v2/personaattribute/count': { access: 'personas:read' },
  'GET /api/v2/personaattribute/{id}': { access: 'personas:read' },
  'POST /api/v2/personaattribute/{id}': attributeUpdate,
  'PUT /api/v2/personaattribute/{id}': attributeUpdate,
  'PATCH /api/v2/personaattribute/{id}': attributeUpdate,
  'DELETE /api/v2/personaattribute/{id}': { access: 'personas:write' },
  'GET /api/v2/personaattribute/{id}/shallow': { access: 'personas:read' },
  'GET /api/connection/personaattribute': { access: 'personas:read' },
  'POST /api/uploadpersonas': { access: 'personas:write', request: (f) => csvUpload({ id: f.llImport }) },
  // The import has no CSV yet: LL's 400 comes after the import was found in the caller's organisation (else 404).
  'POST /api/importpersonas': { access: 'personas:write', request: (f) => ({ body: { id: f.llImport } }), ownerStatus: 400 },
  'GET /api/organisation/{organisationId}/importpersonaserror/{file}': { access: 'personas:read' },
  'POST /api/uploadpersona': {
    access: 'personas:write',
    request: () => ({ body: { personaName: 'Up', ifis: [{ key: 'mbox', value: `mailto:one-${unique()}@own.example` }] } }),
  },
  ...ermResource('/api/v2/personasimport', importUpdate),
  'GET /api/v2/personasimport/count': { access: 'personas:read' },
  ...ermResource('/api/v2/personasimporttemplate', templateUpdate),
  'GET /api/connection/personasimport': { access: 'personas:read' },
  'GET /api/connection/personasimporttemplate': { access: 'personas:read' },
  'GET /api/indexes/{model}': { access: 'personas:read' },

  'GET /crud/personas': { access: 'personas:read', request: (f) => ({ query: `project_id=${f.organisation}&id=${f.persona}` }) },
  'POST /crud/personas': { access: 'personas:write', request: (f) => ({ body: { project_id: f.organisation, name: `crud-${unique()}` } }) },
  'PUT /crud/personas': {
    access: 'personas:write',
    request: (f) => ({ body: { id: f.persona, project_id: f.organisation, name: `crud-${unique()}` } }),
  },
  'DELETE /crud/personas': { access: 'personas:write', request: (f) => ({ query: `id=${f.bare}&project_id=${f.organisation}` }) },

  'GET /xapi/about': { access: 'public' },
  'POST /xapi/statements': { access: 'statements:write', request: (f) => ({ headers: XAPI, body: statement(f) }) },
  'PUT /xapi/statements': {
    access: 'statements:write',
    request: (f) => {
      const id = randomUUID();
      return { headers: XAPI, query: `statementId=${id}`, body: { ...statement(f), id } };
    },
  },
  'GET /xapi/agents': {
    access: 'personas:read',
    request: (f) => ({ headers: XAPI, query: `agent=${encodeURIComponent(JSON.stringify({ mbox: f.mbox }))}` }),
  },
  'GET /xapi/statements': NOT_SERVED,
  ...Object.fromEntries(
    ['/xapi/activities', '/xapi/activities/state', '/xapi/activities/profile', '/xapi/agents/profile'].flatMap((path) =>
      ['GET', 'PUT', 'POST', 'DELETE'].map((method) => [`${method} ${path}`, NOT_SERVED]),
    ),
  ),
};

/** Which fixture id a path parameter names, by the route family it is in. */
export function pathOf(template: string, fixture: VictimFixture, params: Record<string, string> = {}): string {
  const family: Array<[RegExp, string]> = [
    [/^\/v1\/personas\//, fixture.persona],
    [/^\/v1\/identifiers\//, fixture.identifier],
    [/^\/v1\/persona-links\//, fixture.link],
    [/^\/v1\/merges\//, fixture.merge],
    [/^\/v1\/imports\//, fixture.import],
    [/^\/v1\/clients\//, fixture.client],
    [/^\/v1\/jobs\//, '0123456789abcdef01234567'],
    [/^\/api\/v2\/personaattribute\//, fixture.attribute],
    [/^\/api\/v2\/personasimport\//, fixture.llImport],
    [/^\/api\/v2\/personasimporttemplate\//, fixture.template],
  ];
  const defaults: Record<string, string> = {
    personaId: fixture.persona,
    personaIdentifierId: fixture.identifier,
    key: fixture.attributeKey,
    organisationId: fixture.organisation,
    file: `${fixture.llImport}.csv`,
    model: 'personaattribute',
    id: family.find(([prefix]) => prefix.test(template))?.[1] ?? '',
  };
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => params[name] ?? defaults[name]);
}
