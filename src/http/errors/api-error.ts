// The typed error services throw: a registered code (status and message come from the registry), the parameters
// of its message, optional per-field details and response headers (a 308's Location).
import { ERROR_REGISTRY, renderMessage } from './error-registry.ts';

export interface ErrorDetail {
  /** Where the problem is: `name`, `items[2].ifi.value`, `query.search.name.eq`. */
  path: string;
  code: string;
  message: string;
}

export interface ApiErrorOptions {
  params?: Record<string, unknown>;
  details?: ErrorDetail[];
  headers?: Record<string, string>;
  /** Overrides the registry's template. */
  message?: string;
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(code: string, options: ApiErrorOptions = {}) {
    const definition = ERROR_REGISTRY[code];
    if (!definition) throw new Error(`unregistered error code ${code}`);
    super(options.message ?? renderMessage(definition.message, options.params));
    this.name = 'ApiError';
    this.code = code;
    this.status = definition.status;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

export function apiError(code: string, params?: Record<string, unknown>, details?: ErrorDetail[]): ApiError {
  return new ApiError(code, { params, details });
}

/** A detail entry whose message comes from the registry. */
export function detail(path: string, code: string, params?: Record<string, unknown>): ErrorDetail {
  return { path, code, message: renderMessage(ERROR_REGISTRY[code]?.message ?? code, params) };
}

/** 422 `<resource>.failed_to_validate` with one detail per problem. */
export function validationFailed(resource: string, details: ErrorDetail[]): ApiError {
  return new ApiError(`${resource}.failed_to_validate`, { params: { count: details.length }, details });
}
