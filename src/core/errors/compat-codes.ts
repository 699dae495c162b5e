// Codes only the compatibility surfaces (Learning Locker's /api, /crud) answer with: LL's own routes and query
// language have rules /v1 does not (ERM query options, import models, LL's content-type checks). Their status is the
// compat surfaces' status. Spread into the one registry (error-registry.ts).
import type { ErrorDefinition } from './error-definition.ts';

export const COMPAT_ONLY_CODES = {
  'attributes.bulk_delete_requires_query': { status: 400, message: '{message}' },
  'identifiers.invalid_persona_id': { status: 400, message: '{message}' },
  'identifiers.persona_required': { status: 400, message: '{message}' },
  'imports.ifis_required': { status: 400, message: '{message}' },
  'imports.invalid_person': { status: 400, message: '{message}' },
  'imports.invalid_structure': { status: 400, message: '{message}' },
  'imports.model_not_found': { status: 404, message: '{message}' },
  'imports.identifiers_conflict': { status: 409, message: '{message}' },
  'imports.import_processing': { status: 409, message: '{message}' },
  'query.invalid_field': { status: 400, message: '{message}' },
  'query.invalid_hint': { status: 400, message: '{message}' },
  'query.invalid_integer': { status: 400, message: '{message}' },
  'query.invalid_json': { status: 400, message: '{message}' },
  'query.invalid_page_size': { status: 400, message: '{message}' },
  'query.invalid_projection': { status: 400, message: '{message}' },
  'query.unsafe_operator': { status: 400, message: '{message}' },
  'query.unsupported_operator': { status: 400, message: '{message}' },
  'request.invalid_content_type': { status: 400, message: '{message}' },
  'request.missing_content_type': { status: 400, message: '{message}' },
  'crud.invalid_batch': { status: 400, message: '{message}' },
  'crud.invalid_parameter': { status: 400, message: '{message}' },
  'crud.invalid_persona': { status: 400, message: '{message}' },
  'crud.project_not_found': { status: 404, message: '{message}' },
  // What the compat surfaces answer for an unexpected error (LL's renderer sends an empty message, as LL did).
  'internal.error': { status: 500, message: 'Unexpected error' },
} as const satisfies Record<string, ErrorDefinition>;
