// Small helpers shared by the Learning Locker route files: async handlers whose errors are rendered in the route's
// body shape, the authenticated caller, ObjectId parameters, and LL's no-cache headers.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ObjectId } from 'bson';
import { CompatError } from '../../core/errors/compat-error.ts';
import { assertAllowed, type LlAction } from './access.ts';
import { describeError, errorBody, type ErrorBodyShape } from './error-bodies.ts';
import type { CallerContext } from './ports.ts';
import { isObjectIdText } from '../../domain/object-id-text.ts';

export function sendError(res: Response, shape: ErrorBodyShape, error: unknown, description?: string): void {
  const described = describeError(error);
  if (described.status === 500) res.locals.compatError = error;
  res.status(described.status).json(errorBody(shape, described, description));
}

/**
 * Renders an error of an ERM-generated route (attributes, import models): a mongoose-style validation error keeps its
 * ERM body (400), anything else gets ERM's error shape with its `description` when it has one.
 */
export function sendErmError(res: Response, error: unknown): void {
  const ermBody = (error as { ermBody?: Record<string, unknown> })?.ermBody;
  if (ermBody && error instanceof CompatError) {
    res.status(400).json({ ...ermBody, statusCode: 400, error: { code: error.code, message: error.message, details: error.details } });
    return;
  }
  sendError(res, 'erm', error, (error as { description?: string })?.description);
}

/** Wraps an async handler: checks the action's scope first, then renders any error in the given shape. */
export function llRoute(
  action: LlAction,
  handler: (req: Request, res: Response, caller: CallerContext) => Promise<void>,
  shape: ErrorBodyShape = 'll',
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const caller = callerOf(res);
      assertAllowed(caller, action);
      await handler(req, res, caller);
    } catch (error) {
      if (res.headersSent) return next(error);
      sendError(res, shape, error);
    }
  };
}

export function callerOf(res: Response): CallerContext {
  const caller = res.locals.llCaller as CallerContext | undefined;
  if (!caller) throw new CompatError('auth.missing_credentials', 'Unauthorized');
  return caller;
}

/** An id that cannot exist (malformed) is answered like an unknown one: `notFound` (LL answered 500). */
export function objectIdOr(value: unknown, notFound: () => CompatError): ObjectId {
  if (!isObjectIdText(value)) throw notFound();
  return new ObjectId(value);
}

/** LL sets these on every response (compat spec 3.1). */
export function noCacheHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({ 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache', Expires: '0' });
  next();
}

export function bodyObject(req: Request): Record<string, any> {
  const body = req.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
}

/**
 * LL's integer parameters: JavaScript's `parseInt(value)` with no radix, as LL calls it (compat spec 3.1), so
 * leading whitespace is skipped, trailing text ignored and a `0x` prefix read as hexadecimal. NaN counts as absent.
 */
export function parseIntLikeLl(raw: string): number {
  return Number.parseInt(raw);
}

/** parseInt like LL; NaN or absent → fallback. A negative number is refused. */
export function intParameter(raw: unknown, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string')
    throw new CompatError('query.invalid_integer', `${name}: must be given once`, [
      { path: name, code: 'query.invalid_integer', message: 'must be given once' },
    ]);
  const value = parseIntLikeLl(raw);
  if (Number.isNaN(value)) return fallback;
  if (value < 0)
    throw new CompatError('query.invalid_integer', `${name}: must not be negative`, [
      { path: name, code: 'query.invalid_integer', message: 'must not be negative' },
    ]);
  return value;
}
