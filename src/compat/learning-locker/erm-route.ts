// The handler chain of every route ERM 3.2.1 generates in LL (attributes, import models; compat spec 3.6, 3.7 #28),
// in ERM's order of checks: `query` JSON (400) → content type of a body (400) → authentication (401) → scope (403) →
// the route. `$personaIdent` in the query is expanded once the caller's organisation is known (LL's parseQuery).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Store } from '../../store/port.ts';
import { CompatError } from '../../core/errors/compat-error.ts';
import { assertAllowed, ermAction } from './access.ts';
import { parseAttributeQuery } from './attribute-query.ts';
import { expandPersonaIdents } from './persona-ident.ts';
import type { CallerContext } from './ports.ts';
import { callerOf, sendErmError } from './route-kit.ts';

export type ErmHandler = (req: Request, res: Response, caller: CallerContext) => Promise<void>;

/** ERM's content type check of bodies: absent → missing_content_type, not JSON → invalid_content_type. */
function contentTypeError(req: Request): CompatError | null {
  const type = req.headers['content-type'];
  if (!type)
    return Object.assign(new CompatError('request.missing_content_type', 'Content-Type must be application/json'), {
      description: 'missing_content_type',
    });
  if (!type.includes('application/json'))
    return Object.assign(new CompatError('request.invalid_content_type', 'Content-Type must be application/json'), {
      description: 'invalid_content_type',
    });
  return null;
}

/**
 * `erm(hasId, handler)`: the handlers of one ERM route; `hasId` tells ERM's action of a POST (create or update).
 * The parsed query is `res.locals.ermQuery` (not yet scoped: see scopeFilter).
 */
export function ermRoutes(store: Store, authenticate: RequestHandler): (hasId: boolean, handler: ErmHandler) => RequestHandler[] {
  return (hasId, handler) => [
    (req: Request, res: Response, next: NextFunction) => {
      try {
        res.locals.ermQuery = parseAttributeQuery(req.query.query);
        const error = ['POST', 'PUT', 'PATCH'].includes(req.method) ? contentTypeError(req) : null;
        if (error) throw error;
        next();
      } catch (error) {
        sendErmError(res, error);
      }
    },
    authenticate,
    async (req: Request, res: Response) => {
      try {
        const caller = callerOf(res);
        assertAllowed(caller, ermAction(req.method, hasId));
        // LL's parseQuery expands $personaIdent in the caller's organisation, hence after authentication.
        res.locals.ermQuery = await expandPersonaIdents(res.locals.ermQuery, store, caller.organisation);
        await handler(req, res, caller);
      } catch (error) {
        sendErmError(res, error);
      }
    },
  ];
}
