// The Learning Locker surface under /api (compat spec 3): LL's no-cache headers on every response, ERM-style
// attribute routes (which check their query and content type before authentication, as ERM does), then client
// authentication for LL's controller routes, whose failure is LL's 401 text with passport's challenges. A JSON body
// is read only after authentication, on every route (an anonymous 9 MB body is not read, let alone parsed).
// Routing is case-insensitive and tolerates one trailing slash, as Express routing in LL does.
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { jsonBody } from '../../http/json-body.ts';
import { attributeRoutes } from './attribute.routes.ts';
import { connectionRoutes } from './connection.routes.ts';
import { identifierRoutes } from './identifier.routes.ts';
import { importModelRoutes } from './import-model.routes.ts';
import { importRoutes } from './import.routes.ts';
import type { LlImportService } from './personas-import.service.ts';
import { indexesRoute } from './indexes.route.ts';
import { mergeRoute } from './merge.route.ts';
import { personaRoutes } from './persona.routes.ts';
import { PRIVILEGES_MESSAGE } from './access.ts';
import { CompatError } from '../../core/errors/compat-error.ts';
import type { CallerContext, LlPorts } from './ports.ts';
import { noCacheHeaders, sendError } from './route-kit.ts';

/**
 * Resolves the request's client (Basic key:secret or our Bearer token), or null when it cannot be authenticated, or
 * 'organisation_expired' when the credentials are right but the client's organisation has expired (LL: 403).
 */
export type AuthenticateCaller = (req: Request) => Promise<CallerContext | 'organisation_expired' | null>;

export interface LearningLockerApiOptions {
  ports: LlPorts;
  authenticateCaller: AuthenticateCaller;
  /** JSON body limit (the app's setting). */
  bodyLimit?: string | number;
  /** LL's persona import (uploadpersonas, importpersonas, error CSV, uploadpersona, import models). */
  llImports?: LlImportService;
  /** Largest uploaded CSV (UPLOAD_LIMIT). */
  uploadLimitBytes?: number;
}

/** LL's 401: text `Unauthorized` with passport's challenges; our code travels in a header (the body is text). */
function llAuthentication(authenticateCaller: AuthenticateCaller, withChallenge: boolean): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const caller = await authenticateCaller(req);
      if (caller === 'organisation_expired') {
        sendError(res, 'll', new CompatError('auth.organisation_expired', PRIVILEGES_MESSAGE));
        return;
      }
      if (caller) {
        res.locals.llCaller = caller;
        return next();
      }
      if (withChallenge) res.set('WWW-Authenticate', ['Bearer realm="Users"', 'Basic realm="Users"']);
      res.set('X-Error-Code', req.headers.authorization ? 'auth.invalid_credentials' : 'auth.missing_credentials');
      res.status(401).type('text/plain').send('Unauthorized');
    } catch (error) {
      next(error);
    }
  };
}

/** `first`, then `second` unless `first` answered or failed: one handler where a route takes a single one. */
function thenRun(first: RequestHandler, second: RequestHandler): RequestHandler {
  return (req, res, next) => first(req, res, (error?: unknown) => (error ? next(error) : second(req, res, next)));
}

export function createLearningLockerApi(options: LearningLockerApiOptions): Router {
  const router = Router({ caseSensitive: false, strict: false });
  router.use(noCacheHeaders);
  // Bodies are read and parsed only once the client is known: an anonymous request costs no body parsing (issue 11).
  const parseBody = jsonBody(options.bodyLimit ?? '10mb');
  const ermAuthentication = thenRun(llAuthentication(options.authenticateCaller, false), parseBody);
  router.use(attributeRoutes(options.ports, ermAuthentication));
  if (options.llImports) router.use(importModelRoutes({ store: options.ports.store }, ermAuthentication));
  const controllers = Router({ caseSensitive: false, strict: false });
  controllers.use(personaRoutes(options.ports));
  controllers.use(identifierRoutes(options.ports));
  controllers.use(mergeRoute(options.ports));
  controllers.use(connectionRoutes(options.ports));
  controllers.use(indexesRoute(options.ports));
  if (options.llImports)
    controllers.use(importRoutes({ store: options.ports.store, llImports: options.llImports, maxFileBytes: options.uploadLimitBytes }));
  const isControllerPath =
    /^\/(v2\/(persona|personaidentifier)(\/|$)|mergepersona\/?$|connection\/(persona|personaidentifier|personaattribute|personasimport|personasimporttemplate)\/?$|indexes\/[^/]+\/?$|(uploadpersonas|importpersonas|uploadpersona)\/?$|organisation\/[^/]+\/importpersonaserror\/[^/]+\/?$)/i;
  const controllerAuthentication = thenRun(llAuthentication(options.authenticateCaller, true), parseBody);
  router.use((req, res, next) => (isControllerPath.test(req.path) ? controllerAuthentication(req, res, next) : next()));
  router.use(controllers);
  // Errors raised before a route ran (unparsable JSON body, oversized body) in the body shape of the route family.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    sendError(res, /^\/v2\/(personaattribute|personasimport)/i.test(req.path) ? 'erm' : 'll', error);
  });
  return router;
}
