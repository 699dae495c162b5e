// Authentication of /v1 requests: HTTP Basic (`key:secret`, as Learning Locker clients send) or
// `Authorization: Bearer <key>.<secret>`. No or unreadable credentials: 401 auth.missing_credentials; unknown key,
// wrong secret or revoked client: 401 auth.invalid_credentials. The caller lands in res.locals.caller.
import type { Request, RequestHandler, Response } from 'express';
import type { Scope } from '../../domain/model.ts';
import type { Caller } from '../../core/caller.ts';
import { UNKNOWN_ADDRESS, type ClientAuthenticator } from '../../core/caller.ts';
import { apiError } from '../../core/errors/api-error.ts';

export interface Credentials {
  key: string;
  secret: string;
}

export function parseAuthorization(header: string | undefined): Credentials | null {
  if (!header) return null;
  const [scheme, value, ...rest] = header.trim().split(/\s+/);
  if (!value || rest.length > 0) return null;
  let pair: string[];
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    pair = colon < 0 ? [] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  } else if (/^bearer$/i.test(scheme)) {
    const dot = value.indexOf('.');
    pair = dot < 0 ? [] : [value.slice(0, dot), value.slice(dot + 1)];
  } else return null;
  const [key, secret] = pair;
  if (!key || !secret || key.length > 200 || secret.length > 200) return null;
  return { key, secret };
}

/** The client's address, the unit of the failed-secret throttle (behind a proxy: as TRUST_PROXY lets express read it). */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? UNKNOWN_ADDRESS;
}

export function authenticate(authenticator: ClientAuthenticator): RequestHandler {
  return async (req, res, next) => {
    const credentials = parseAuthorization(req.headers.authorization);
    if (!credentials) {
      res.set('WWW-Authenticate', 'Basic realm="persona-resolver", Bearer');
      throw apiError('auth.missing_credentials');
    }
    const outcome = await authenticator.authenticate(credentials.key, credentials.secret, clientAddress(req));
    if (!outcome.ok) {
      // Rejected Bearer credentials get a Bearer challenge only (RFC 6750 3.1): a Basic challenge would make a
      // browser hold a script's request behind its own login prompt (the /admin app signs in with Bearer).
      const isBearer = /^bearer\s/i.test(req.headers.authorization!.trim());
      res.set(
        'WWW-Authenticate',
        isBearer ? 'Bearer error="invalid_token"' : 'Basic realm="persona-resolver", Bearer error="invalid_token"',
      );
      throw apiError(outcome.reason === 'organisation_expired' ? 'auth.organisation_expired' : 'auth.invalid_credentials');
    }
    res.locals.caller = outcome.caller;
    next();
  };
}

export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw apiError('auth.missing_credentials');
  return caller;
}

/** 403 auth.insufficient_scope unless the caller holds `scope`. */
export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => {
    if (!callerOf(res).scopes.includes(scope)) throw apiError('auth.insufficient_scope', { scope });
    next();
  };
}
