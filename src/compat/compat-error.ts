// The one error type of the compatibility surfaces: an HTTP status, our stable code and a message. Route adapters
// throw it (or let service errors through); error-bodies.ts renders it in Learning Locker's or ERM's body shape.
export interface CompatErrorDetail {
  path: string;
  code: string;
  message: string;
}

export class CompatError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: CompatErrorDetail[];

  constructor(status: number, code: string, message: string, details?: CompatErrorDetail[]) {
    super(message);
    this.name = 'CompatError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** A 400 for a bad request parameter, naming it (e.g. `query.invalid_filter` at `filter.$where`). */
export function badParameter(code: string, path: string, reason: string): CompatError {
  return new CompatError(400, code, `${path}: ${reason}`, [{ path, code, message: reason }]);
}
