// CORS for browser dashboards served from another origin (CORS_ORIGINS; off when empty). Credentials travel in the
// Authorization header (Basic or Bearer), never in cookies, so preflights must allow that header but the answer
// needs no Access-Control-Allow-Credentials. The headers a client reads (Location of a created document, the request
// id, LL's error code header) are exposed.
import cors from 'cors';
import type { RequestHandler } from 'express';

export const EXPOSED_HEADERS = ['Location', 'X-Request-Id', 'X-Error-Code', 'WWW-Authenticate', 'Retry-After'];

/** The CORS middleware for these origins ('*' for any), or null when none is configured. */
export function corsForOrigins(origins: readonly string[]): RequestHandler | null {
  if (origins.length === 0) return null;
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
