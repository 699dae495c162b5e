// The xAPI surface under /xapi: a thin transport over the resolver and the personas, for LRS statement forwarders
// and xAPI client libraries. Order matters: every answer gets the version header; /about needs neither credentials
// nor a version (xAPI About rules); everything else needs the version header, then Basic (or Bearer) credentials of
// an API client. The read side of Statements and the document resources answer 501 (README: what is served).
import express, { Router, type RequestHandler } from 'express';
import { authenticate } from '../http/auth/authenticate.ts';
import { rateLimitPerClient } from '../http/auth/rate-limit.ts';
import { apiError } from '../core/errors/api-error.ts';
import type { ClientAuthenticator } from '../features/clients/client-authenticator.ts';
import type { PersonReader } from '../features/personas/persona-person.ts';
import type { StatementSink } from '../features/statements/statement-sink.ts';
import { registerXapiAgentRoutes } from './agents.routes.ts';
import { registerXapiStatementRoutes } from './statements.routes.ts';
import { SERVED_VERSIONS, answerVersionHeader, requireVersionHeader } from './xapi-version.ts';

export interface XapiRouterOptions {
  authenticator: ClientAuthenticator;
  sink: StatementSink;
  persons: PersonReader;
  bodyLimit: string;
  rateLimitPerMinute?: number;
}

/** Resources of xAPI this service does not serve: it keeps neither statements nor documents. */
export const NOT_SERVED: Array<{ path: string; methods: 'all' | 'get'; resource: string }> = [
  { path: '/statements', methods: 'get', resource: 'Reading statements (GET /xapi/statements)' },
  { path: '/activities', methods: 'all', resource: 'The Activities resource' },
  { path: '/activities/state', methods: 'all', resource: 'The State resource' },
  { path: '/activities/profile', methods: 'all', resource: 'The Activity Profile resource' },
  { path: '/agents/profile', methods: 'all', resource: 'The Agent Profile resource' },
];

export function createXapiRouter(options: XapiRouterOptions): Router {
  const router = Router();
  router.use(answerVersionHeader);
  router.get('/about', (_req, res) => {
    res.json({ version: SERVED_VERSIONS });
  });
  router.use(requireVersionHeader);
  router.use(authenticate(options.authenticator));
  router.use(rateLimitPerClient(options.rateLimitPerMinute ?? 0));
  router.use(express.json({ limit: options.bodyLimit, type: 'application/json' }));
  router.use(express.raw({ limit: options.bodyLimit, type: 'multipart/mixed' }));
  for (const { path, methods, resource } of NOT_SERVED) {
    const notServed: RequestHandler = () => {
      throw apiError('xapi.not_implemented', { resource });
    };
    if (methods === 'get') router.get(path, notServed);
    else router.all(path, notServed);
  }
  registerXapiStatementRoutes(router, { sink: options.sink });
  registerXapiAgentRoutes(router, { persons: options.persons });
  router.use((req) => {
    throw apiError('request.route_not_found', { method: req.method, path: req.originalUrl.split('?')[0] });
  });
  return router;
}
