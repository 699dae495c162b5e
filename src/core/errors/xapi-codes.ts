// Error codes of the xAPI surface (/xapi). xAPI answers client mistakes with 400 Bad Request (1.0.3 Communication
// 3.2, 2.0 "Error Codes"), never 422, so every rejection here is a 400 with a code naming the rule; the error
// registry spreads these in like the identity codes. Bodies keep the project's `{error: {code, message, details}}`.
import type { ErrorDefinition } from './error-definition.ts';

export const XAPI_ERROR_CODES = {
  'xapi.version_required': { status: 400, message: 'Send the X-Experience-API-Version header (1.0.x or 2.0.x)' },
  'xapi.version_unsupported': { status: 400, message: 'X-Experience-API-Version {version} is not served here; send 1.0.x or 2.0.x' },
  'xapi.unsupported_content_type': {
    status: 400,
    message: 'Send statements as application/json, or multipart/mixed with attachments (got {contentType})',
  },
  'xapi.invalid_multipart': { status: 400, message: 'The multipart/mixed statements request is not valid: {reason}' },
  'xapi.invalid_body': { status: 400, message: 'Send one statement object or a non-empty array of statements' },
  'xapi.statements_rejected': {
    status: 400,
    message: 'The request was rejected whole: {count} problem(s), see details; nothing was resolved',
  },
  'xapi.duplicate_statement_id': { status: 400, message: 'The batch holds statement id {id} more than once' },
  'xapi.statement_id_required': { status: 400, message: 'PUT /xapi/statements needs the statementId query parameter' },
  'xapi.invalid_statement_id': { status: 400, message: 'statementId {id} is not a UUID' },
  'xapi.statement_id_mismatch': { status: 400, message: 'The statement id {id} differs from the statementId parameter {statementId}' },
  'xapi.single_statement_expected': { status: 400, message: 'PUT /xapi/statements takes one statement object, not an array' },
  'xapi.agent_required': { status: 400, message: 'GET /xapi/agents needs the agent query parameter (an Agent as JSON)' },
  'xapi.invalid_agent': { status: 400, message: 'The agent parameter is not a valid Agent: {reason}' },
  'xapi.not_implemented': {
    status: 501,
    message: '{resource} is not served here: this service resolves identities and stores no statements or documents; ask your LRS',
  },
} as const satisfies Record<string, ErrorDefinition>;
