// The kind of ApiError the compatibility surfaces' routes throw: the code's status is the Learning Locker (or /crud)
// column of the one registry, the message is LL's text written at the throw site. `detailsGiven` keeps LL's body
// shape, which has no `details` when the route named none.
import { ApiError, type ErrorDetail } from './api-error.ts';
import type { ErrorCode } from './error-registry.ts';

export type CompatErrorDetail = ErrorDetail;

export class CompatError extends ApiError {
  readonly detailsGiven: boolean;

  constructor(code: ErrorCode, message: string, details?: ErrorDetail[], surface: 'll' | 'crud' = 'll') {
    super(code, { message, details, surface });
    this.name = 'CompatError';
    this.detailsGiven = details !== undefined;
  }
}

/** A 400 for a bad request parameter, naming it (e.g. `query.invalid_filter` at `filter.$where`). */
export function badParameter(code: ErrorCode, path: string, reason: string): CompatError {
  return new CompatError(code, `${path}: ${reason}`, [{ path, code, message: reason }]);
}
