// Per-client request rate limit (native-api.md: 429 when rate limited), counted per API client key after
// authentication so that one noisy pipeline cannot starve the dashboards of its organisation's other clients.
// Off when RATE_LIMIT_PER_MINUTE is 0; counters live in the process (each API process limits on its own).
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ApiError } from '../../core/errors/api-error.ts';
import { callerOf } from './authenticate.ts';

export function rateLimitPerClient(requestsPerMinute: number): RequestHandler {
  if (requestsPerMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: requestsPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_req, res) => callerOf(res).clientId,
    handler: (_req, _res, next, options) => {
      next(new ApiError('request.rate_limited', { params: { limit: String(options.limit) }, headers: { 'Retry-After': '60' } }));
    },
  });
}
