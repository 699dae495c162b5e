// The one place errors become responses: ApiError and any error carrying a registered `code` (identity, jobs and
// compat errors) map through the registry; body-parser failures become `<resource>.failed_to_serialize` (400) and
// `request.payload_too_large` (413); anything else is a bug: 500, logged with its stack, no internals leaked.
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type {} from 'pino-http'; // its Request augmentation: req.id, req.log
import { ApiError, type ErrorDetail } from '../../core/errors/api-error.ts';
import { ERROR_REGISTRY, isRegisteredCode, renderMessage, type BodyResource } from '../../core/errors/error-registry.ts';
import { storeRefusalOf } from '../../core/errors/store-refusal.ts';

/** Which resource a request's body belongs to, for `<resource>.failed_to_serialize|validate`. */
export function resourceOfPath(path: string): BodyResource {
  if (/^\/v1\/personas\/[^/]+\/attributes/.test(path)) return 'attributes';
  if (/^\/v1\/personas\/[^/]+\/merge/.test(path)) return 'merges';
  const segment = /^\/v1\/([a-z-]+)/.exec(path)?.[1];
  switch (segment) {
    case 'personas':
      return 'personas';
    case 'identifiers':
      return 'identifiers';
    case 'attributes':
      return 'attributes';
    case 'persona-links':
      return 'links';
    case 'clients':
      return 'clients';
    case 'statements':
      return 'statements';
    case 'resolve':
      return 'resolve';
    case 'duplicates':
      return 'duplicates';
    case 'identity-rules':
      return 'rules';
    default:
      return 'request';
  }
}

interface RenderedError {
  status: number;
  code: string;
  message: string;
  details: ErrorDetail[];
  headers: Record<string, string>;
}

function describe(error: unknown, req: Request): RenderedError {
  if (error instanceof ApiError) {
    return { status: error.status, code: error.code, message: error.message, details: error.details, headers: error.headers };
  }
  const candidate = error as { type?: string; status?: number; code?: unknown; message?: string; details?: unknown; limit?: number };
  if (
    candidate?.type === 'entity.parse.failed' ||
    candidate?.type === 'encoding.unsupported' ||
    candidate?.type === 'charset.unsupported'
  ) {
    const code = `${resourceOfPath(req.path)}.failed_to_serialize` as const;
    return {
      status: 400,
      code,
      message: renderMessage(ERROR_REGISTRY[code].message, { reason: candidate.message }),
      details: [],
      headers: {},
    };
  }
  if (candidate?.type === 'entity.too.large') {
    const message = renderMessage(ERROR_REGISTRY['request.payload_too_large'].message, { limit: `${candidate.limit} bytes` });
    return { status: 413, code: 'request.payload_too_large', message, details: [], headers: {} };
  }
  const refusal = storeRefusalOf(error);
  if (refusal) {
    return {
      status: refusal.status,
      code: refusal.code,
      message: renderMessage(ERROR_REGISTRY[refusal.code].message, { reason: refusal.reason }),
      details: [],
      headers: {},
    };
  }
  if (isRegisteredCode(candidate?.code)) {
    const status =
      typeof candidate.status === 'number' && candidate.status >= 300 ? candidate.status : ERROR_REGISTRY[candidate.code].status;
    const details = Array.isArray(candidate.details) ? (candidate.details as ErrorDetail[]) : [];
    return { status, code: candidate.code, message: candidate.message ?? candidate.code, details, headers: {} };
  }
  const requestId = String(req.id ?? '');
  return {
    status: 500,
    code: 'internal.unexpected_error',
    details: [],
    headers: {},
    message: renderMessage(ERROR_REGISTRY['internal.unexpected_error'].message, { requestId }),
  };
}

export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  const rendered = describe(error, req);
  if (rendered.status >= 500) {
    req.log?.error({ err: error }, 'request failed');
    res.locals.failure = error;
  }
  res.set(rendered.headers);
  res.status(rendered.status).json({ error: { code: rendered.code, message: rendered.message, details: rendered.details } });
};

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new ApiError('request.route_not_found', { params: { method: req.method, path: req.path } }));
};
