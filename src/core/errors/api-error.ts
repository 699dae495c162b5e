// The one typed error of the application: a registered code (its status per surface and its message come from the
// registry), the parameters of its message, optional per-field details and response headers (a 308's Location).
// Services, the identity workflows and the compat routes all throw it; each surface renders it (error-registry.ts).
import { ERROR_REGISTRY, renderMessage, statusOn, type ErrorCode, type Surface } from './error-registry.ts';
import type { IdentityErrorCode } from './identity-codes.ts';

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
  /** The surface whose status `status` holds (default /v1); renderers of other surfaces use statusOn(). */
  surface?: Surface;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    const definition = ERROR_REGISTRY[code];
    if (!definition) throw new Error(`unregistered error code ${code}`);
    super(options.message ?? renderMessage(definition.message, options.params));
    this.name = 'ApiError';
    this.code = code;
    this.status = statusOn(code, options.surface ?? 'v1');
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

export function apiError(code: ErrorCode, params?: Record<string, unknown>, details?: ErrorDetail[]): ApiError {
  return new ApiError(code, { params, details });
}

/** An error of the identity workflows (merges, duplicates, imports, erasure): their message is written at the throw. */
export function identityError(code: IdentityErrorCode, message: string, details: ErrorDetail[] = []): ApiError {
  return new ApiError(code, { message, details });
}

/** A detail entry whose message comes from the registry. */
export function detail(path: string, code: ErrorCode, params?: Record<string, unknown>): ErrorDetail {
  return { path, code, message: renderMessage(ERROR_REGISTRY[code]?.message ?? code, params) };
}

/** 422 `<resource>.failed_to_validate` with one detail per problem. */
export function validationFailed(resource: import('./error-registry.ts').BodyResource, details: ErrorDetail[]): ApiError {
  return new ApiError(`${resource}.failed_to_validate`, { params: { count: details.length }, details });
}
