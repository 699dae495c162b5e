// A failed /v1 call as the app shows it: the service's stable error code, its message and the per-field details
// (the error body of every /v1 route: { error: { code, message, details } }). Pure (unit-tested in test/admin/).

export interface ErrorDetail {
  path: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The ApiError of an answer's body; a body that is not the service's error shape still names the HTTP status. */
export function apiErrorOf(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string') {
    const details = Array.isArray(error.details) ? (error.details as ErrorDetail[]) : [];
    return new ApiError(status, error.code, typeof error.message === 'string' ? error.message : error.code, details);
  }
  return new ApiError(status, `http.${status}`, `The service answered HTTP ${status}`);
}

/** Any thrown value as the error shown to the admin (network failures have no code of the service). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'network.unreachable', error instanceof Error ? error.message : String(error));
}
