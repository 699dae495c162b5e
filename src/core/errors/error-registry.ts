// The one registry of our stable error codes (Fastify's errors.js idea): every code once, with its HTTP status, a
// message template (`{name}` placeholders filled from params) and, where a surface answers otherwise, the status of
// the Learning Locker surface (`ll`, /api) and of /crud (`crud`; it falls back to `ll`). Services and the compat
// routes throw ApiError (or its CompatError kind) with a code from here; each surface's renderer
// (http/errors/error-handler.ts, compat/learning-locker/error-bodies.ts) takes the status from this table. Codes used
// only inside `details` (a field's problem inside a 422) are registered too, with the status of their failure.
// The table is `as const` + `satisfies`, so ErrorCode is the union of its keys and a misspelt code fails the type-check.
import { COMPAT_ONLY_CODES } from './compat-codes.ts';
import type { ErrorDefinition, Surface } from './error-definition.ts';
import { IDENTITY_ERROR_CODES } from './identity-codes.ts';
import { XAPI_ERROR_CODES } from './xapi-codes.ts';

export type { ErrorDefinition, Surface } from './error-definition.ts';

/** Resources whose bodies we parse: each has `<resource>.failed_to_serialize` (400) and `.failed_to_validate` (422). */
export const BODY_RESOURCES = [
  'personas',
  'identifiers',
  'attributes',
  'links',
  'clients',
  'statements',
  'resolve',
  'merges',
  'duplicates',
  'imports',
  'rules',
  'pseudonyms',
  'request',
] as const;
export type BodyResource = (typeof BODY_RESOURCES)[number];

type BodyCode = `${BodyResource}.failed_to_serialize` | `${BodyResource}.failed_to_validate`;
// The compat surfaces answer a body that fails validation with 400 (LL's mongoose ValidationError).
const bodyCodes = Object.fromEntries(
  BODY_RESOURCES.flatMap((resource) => [
    [`${resource}.failed_to_serialize`, { status: 400, message: 'Failed to parse the request body as JSON: {reason}' }],
    [`${resource}.failed_to_validate`, { status: 422, ll: 400, message: 'Failed to validate input: {count} problem(s), see details' }],
  ]),
) as Record<BodyCode, ErrorDefinition>;

const identityCodes = Object.fromEntries(
  Object.entries(IDENTITY_ERROR_CODES).map(([code, status]) => [code, { status, message: '{message}' }]),
) as Record<keyof typeof IDENTITY_ERROR_CODES, ErrorDefinition>;

export const ERROR_REGISTRY = {
  ...identityCodes,
  ...bodyCodes,
  ...XAPI_ERROR_CODES,
  // Generic field problems (details of a 422).
  'validation.required': { status: 422, message: 'is required' },
  'validation.invalid_type': { status: 422, message: 'has the wrong type: {reason}' },
  'validation.invalid_value': { status: 422, message: 'is not valid: {reason}' },
  'validation.unknown_field': { status: 422, message: 'is not a known field' },
  'request.payload_too_large': { status: 413, message: 'The request body is larger than {limit}' },
  'request.batch_too_large': { status: 413, message: 'A batch holds at most {max} items, got {count}' },
  'request.too_many_agents': {
    status: 413,
    message: 'The statements name {count} agents, groups and members in all; at most {max} per request (MAX_AGENTS_PER_REQUEST)',
  },
  'request.route_not_found': { status: 404, message: 'No route {method} {path}' },
  'request.rate_limited': { status: 429, message: 'More than {limit} requests per minute from this client; retry later' },
  'request.unsupported_media_type': { status: 415, message: 'Send JSON with Content-Type: application/json' },
  'request.unsupported_charset': { status: 415, message: 'Unsupported charset "{charset}": send UTF-8' },
  'request.unsupported_content_encoding': { status: 415, message: 'Unsupported Content-Encoding "{encoding}": use gzip, deflate or none' },
  'request.invalid_content_encoding': { status: 400, message: 'The body is not valid {encoding} data' },
  'request.invalid_unicode': { status: 400, message: 'The request body is not valid UTF-8' },
  'request.json_too_deep': { status: 400, message: 'The JSON body nests deeper than {max} levels (at {path})' },
  'request.json_too_many_keys': { status: 400, message: 'An object of the JSON body has more than {max} keys (at {path})' },
  'internal.unexpected_error': { status: 500, message: 'Unexpected error (request {requestId})' },
  'store.unavailable': { status: 503, message: 'The store does not answer: {reason}' },
  // The data file cannot grow (disk full, file-size limit, EMBEDDED_MAP_SIZE_GB reached); nothing of the write was kept.
  'store.full': { status: 507, message: 'The store has no room for this write; nothing of it was kept' },
  'queue.unavailable': {
    status: 503,
    message: 'The statement queue does not answer ({reason}); send the request again after Retry-After seconds',
  },
  // Back-pressure (features/statements/admission.ts): refused before anything is stored or queued, so sending the
  // same request again later is safe.
  'store.busy': {
    status: 503,
    message:
      'The store is behind: {pending} statement requests are being written at once (STATEMENTS_MAX_PENDING); send the request again after Retry-After seconds',
  },
  'queue.backlog': {
    status: 503,
    message:
      'The statement queue is behind: {waiting} jobs wait for a worker (QUEUE_HIGH_WATER {max}); send the request again after Retry-After seconds',
  },
  'query.timeout': { status: 503, message: 'The query ran past the time limit (QUERY_TIMEOUT_MS); narrow the filter' },
  // A document the store refuses to keep (MongoDB's limits, which the embedded engine applies too; store-refusal.ts):
  // 16 MB or more, a NUL or a top-level $ in a field name, nesting over 100.
  'store.document_too_large': { status: 413, message: 'The document would be 16 MB or larger, which the store refuses: {reason}' },
  'store.invalid_document': { status: 422, message: 'The store refuses this document: {reason}' },
  // Auth (native-api.md "Auth"): 401 for credentials, 403 for scopes.
  'auth.missing_credentials': { status: 401, message: 'Send HTTP Basic (key:secret) or Bearer credentials' },
  'auth.invalid_credentials': { status: 401, message: 'Unknown key, wrong secret or revoked client' },
  'auth.organisation_expired': { status: 401, ll: 403, message: 'The organisation of this client has expired' },
  'auth.insufficient_scope': { status: 403, message: 'This route needs the scope {scope}' },
  // Query strings of lists and lookups.
  'query.invalid_filter': { status: 400, message: 'Invalid filter {parameter}: {reason}' },
  'query.invalid_sort': { status: 400, message: 'Invalid sort field {field}' },
  'query.invalid_stack': { status: 400, message: 'Invalid stack field {field}' },
  'query.invalid_include': { status: 400, message: 'Invalid include {value}: allowed {allowed}' },
  'query.invalid_limit': { status: 400, message: 'limit must be a positive integer' },
  'query.invalid_offset': { status: 400, message: 'offset must be a non-negative integer' },
  'query.invalid_cursor': { status: 400, message: 'The cursor is malformed, forged or belongs to another query' },
  'query.conflicting_paging': { status: 400, message: 'Use one of offset, after and before' },
  'query.invalid_parameter': { status: 400, message: 'Invalid query parameter {parameter}: {reason}' },
  'query.unsafe_regex': { status: 400, message: 'Regular expression refused at {parameter}: {reason}' },
  // Personas.
  'personas.invalid_persona_id': { status: 400, message: 'Invalid persona ID {id}' },
  'personas.persona_not_found': { status: 404, message: 'Persona {id} not found' },
  'personas.persona_merged': { status: 308, ll: 404, message: 'Persona {id} was merged into {target}' },
  'personas.persona_is_tombstone': { status: 409, ll: 404, message: 'Persona {id} was merged into {target} and cannot be changed' },
  'personas.persona_has_identifiers': {
    status: 409,
    ll: 400,
    crud: 409,
    message: 'Persona {id} still has {count} identifier(s); delete them or use ?cascade=true',
  },
  'personas.user_ambiguous': { status: 409, message: 'Several personas have an account named {userId}; pass ?homePage=' },
  'personas.user_home_page_required': { status: 400, message: 'Pass ?homePage= or configure DEFAULT_ACCOUNT_HOMEPAGE' },
  'personas.name_required': { status: 422, ll: 400, message: 'Name is required' },
  'rules.invalid_name_policy': { status: 422, message: 'must be one of first, latest, most_frequent, manual' },
  // Identity guard rails (features/identity-rules): rule validation, then refusals naming the rule broken.
  'rules.invalid_kind': { status: 422, message: 'must be one of mbox, mbox_sha1sum, openid, account' },
  'rules.invalid_default': {
    status: 422,
    message: 'must be one of blank_account_name, zero_id, placeholder_name, test_address, noreply_address',
  },
  'rules.unsafe_pattern': { status: 422, message: 'Pattern refused: {reason}' },
  'rules.identifier_blocked': { status: 422, message: 'The identifier {canonicalKey} is blocked by the identity rule {rule}' },
  'rules.limit_exceeded': { status: 409, message: 'Persona {persona} would hold {breach}' },
  'rules.unique_kind': { status: 409, message: 'Persona {persona} would hold {breach}' },
  'personas.name_too_long': { status: 422, ll: 400, message: 'Name exceeds 200 characters' },
  'personas.invalid_name': { status: 422, ll: 400, message: 'Name must be a string' },
  'personas.invalid_profile': { status: 422, message: 'Profile must be an object' },
  'personas.invalid_metadata': { status: 422, message: 'Metadata must be an object' },
  'personas.invalid_active': { status: 422, message: 'Active must be true or false' },
  'personas.read_only_field': { status: 422, message: 'This field cannot be set' },
  // Pseudonymisation (features/pseudonyms).
  'pseudonyms.not_enabled': {
    status: 409,
    message: 'Pseudonymisation is off for this organisation; turn it on with PUT /v1/pseudonymisation {"enabled": true}',
  },
  'pseudonyms.invalid_enabled': { status: 422, message: 'enabled must be true or false' },
  'pseudonyms.invalid_pseudonym': { status: 400, message: 'Invalid pseudonym {pseudonym}: pp_ or pi_ and 22 base64url characters' },
  'pseudonyms.pseudonym_not_found': {
    status: 404,
    message: 'Pseudonym {pseudonym} is not known (never issued, issued under a deleted key, or its persona was erased)',
  },
  // Identifiers.
  'identifiers.invalid_identifier_id': { status: 400, message: 'Invalid identifier ID {id}' },
  'identifiers.identifier_not_found': { status: 404, message: 'Identifier {id} not found' },
  'identifiers.identifier_exists': {
    status: 409,
    ll: 400,
    message: 'The identifier {canonicalKey} is already assigned to persona {persona}',
  },
  'identifiers.invalid_ifi': { status: 422, ll: 400, message: 'Invalid identifier: {reason}' },
  'identifiers.identifier_has_statements': {
    status: 409,
    ll: 400,
    message: 'Identifier {id} is the actor of statements in the LRS; move it to another persona instead of deleting it',
  },
  // Attributes.
  'attributes.attribute_not_found': { status: 404, message: 'Persona {id} has no attribute {key}' },
  'attributes.invalid_key': {
    status: 422,
    ll: 400,
    message: 'An attribute key is 1-200 characters, not $-prefixed, without NUL, not __proto__',
  },
  'attributes.invalid_value': {
    status: 422,
    ll: 400,
    message: 'An attribute value is any JSON value except null, bounded in size: {reason}',
  },
  // Links.
  'links.invalid_link_id': { status: 400, message: 'Invalid link ID {id}' },
  'links.link_not_found': { status: 404, message: 'Link {id} not found' },
  'links.link_exists': { status: 409, message: 'Persona {persona} is already linked to {recTypeName} {recId}' },
  'links.invalid_persona': { status: 422, message: 'persona must be a 24-hex persona ID' },
  'links.invalid_rec_type_name': { status: 422, message: 'recTypeName is 1-200 characters' },
  'links.invalid_rec_id': { status: 422, message: 'recId is 1-200 characters' },
  // Clients and organisations.
  'clients.invalid_client_id': { status: 400, message: 'Invalid client ID {id}' },
  'clients.client_not_found': { status: 404, message: 'Client {id} not found' },
  'clients.invalid_scope': { status: 422, message: 'Unknown scope; allowed: {allowed}' },
  'clients.scope_not_held': { status: 403, message: 'A client can grant only scopes it holds; not held: {scopes}' },
  'organisations.organisation_not_found': { status: 404, message: 'Organisation {id} not found' },
  // Jobs (queued statements; the jobs service throws these).
  'jobs.job_not_found': { status: 404, message: 'Job {id} not found' },
  'jobs.queue_off': { status: 404, message: 'The statements queue is off: statements are resolved inline and there are no jobs' },
  ...COMPAT_ONLY_CODES,
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_REGISTRY & string;

export function isRegisteredCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_REGISTRY, code);
}

/** The status `code` answers with on `surface`: the surface's own column, /crud falling back to LL's, then /v1's. */
export function statusOn(code: ErrorCode, surface: Surface): number {
  const definition: ErrorDefinition = ERROR_REGISTRY[code];
  if (surface === 'crud') return definition.crud ?? definition.ll ?? definition.status;
  if (surface === 'll') return definition.ll ?? definition.status;
  return definition.status;
}

/** Fills `{name}` placeholders; unknown placeholders are left as they are. */
export function renderMessage(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}
