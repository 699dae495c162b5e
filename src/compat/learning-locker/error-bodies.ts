// Error bodies of the Learning Locker surface (compat spec 3.2, 3.6): LL's controllers answer
// `{"errorId": <uuid>, "message": <text>}`, ERM's attribute routes `{"statusCode": n, "description"?: ...}`; both get
// our `error` object with the stable code beside them. Errors thrown by services (the http helper's typed errors)
// are recognised by their `status`/`code`; anything else is a 500 with an empty message, as LL's would be.
// A CompatError (what these routes throw) has the status of the registry's column for its surface (ll or crud); a
// service's error that a route lets through keeps its /v1 status, as the ERM routes always answered.
import { randomUUID } from 'node:crypto';
import { CompatError, type CompatErrorDetail } from '../../core/errors/compat-error.ts';
import { storeRefusalOf } from '../../core/errors/store-refusal.ts';

export type ErrorBodyShape = 'll' | 'erm';

interface ErrorLike {
  status: number;
  code: string;
  message: string;
  details?: CompatErrorDetail[];
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 600 ? value : undefined;
}

/** Normalises any thrown value to status + code + message without leaking internals of unexpected errors. */
export function describeError(error: unknown): ErrorLike {
  if (error instanceof CompatError)
    return { status: error.status, code: error.code, message: error.message, details: error.detailsGiven ? error.details : undefined };
  if (typeof error === 'object' && error !== null) {
    const candidate = error as Record<string, any>;
    const status = asNumber(candidate.status) ?? asNumber(candidate.statusCode);
    // A client mistake, or a store that gave up on the client's query (503 query.timeout): its code and message.
    if (status !== undefined && (status < 500 || status === 503) && typeof candidate.code === 'string') {
      return { status, code: candidate.code, message: String(candidate.message ?? ''), details: candidate.details };
    }
    if (status !== undefined && status < 500 && candidate.type === 'entity.parse.failed') {
      return { status: 400, code: 'request.failed_to_serialize', message: 'The request body is not valid JSON' };
    }
    if (status === 413) return { status, code: 'request.payload_too_large', message: 'The request body is too large' };
  }
  // A document the store refuses (a NUL in a field name, 16 MB, nesting): the client's mistake, as on /v1.
  const refusal = storeRefusalOf(error);
  if (refusal) return { status: refusal.status, code: refusal.code, message: `The store refuses this document: ${refusal.reason}` };
  return { status: 500, code: 'internal.error', message: '' };
}

function errorObject(error: ErrorLike): Record<string, unknown> {
  return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
}

/** LL controller body. */
export function llErrorBody(error: ErrorLike): Record<string, unknown> {
  return { errorId: randomUUID(), message: error.message, error: errorObject(error) };
}

/** ERM body: `{"statusCode": 404}`, `{"description": "invalid_json", "statusCode": 400}`, plus our `error`. */
export function ermErrorBody(error: ErrorLike, description?: string): Record<string, unknown> {
  return { ...(description ? { description } : {}), statusCode: error.status, error: errorObject(error) };
}

export function errorBody(shape: ErrorBodyShape, error: ErrorLike, description?: string): Record<string, unknown> {
  return shape === 'erm' && error.status !== 403 ? ermErrorBody(error, description) : llErrorBody(error);
}
