// The one JSON body parser of every surface (/v1, /api and the bare LL paths, /crud). On top of express.json's size
// limit it refuses, as client mistakes with a stable code instead of a 500 further in: a body that is not valid
// UTF-8 (body-parser would store U+FFFD in its place), an unknown charset or content encoding, a corrupt gzip or
// deflate stream, and documents nested deeper or wider than any store can hold (msgpackr's encoder overflows the
// stack on 10,000 levels and cannot write an object of 65,536 keys; MongoDB refuses nesting past 100 levels).
import { isUtf8 } from 'node:buffer';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ApiError, apiError } from '../core/errors/api-error.ts';

/** Deepest nesting of objects and arrays in a body (MongoDB allows 100 levels in the stored document around it). */
export const MAX_JSON_DEPTH = 64;
/** Most keys in one object of a body. */
export const MAX_JSON_KEYS_PER_OBJECT = 10_000;
const JSON_TYPES = ['application/json', 'application/*+json'];
const INVALID_UTF8 = 'encoding.invalid_utf8';

function refuseInvalidUtf8(_req: Request, _res: Response, body: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(body)) throw Object.assign(new Error('invalid UTF-8'), { type: INVALID_UTF8 });
}

/** body-parser's failures other than bad JSON and too large (which each surface renders itself) → registered codes. */
function asBodyError(error: any, req: Request): unknown {
  switch (error?.type) {
    case INVALID_UTF8:
      return apiError('request.invalid_unicode');
    case 'charset.unsupported':
      return apiError('request.unsupported_charset', { charset: error.charset ?? '' });
    case 'encoding.unsupported':
      return apiError('request.unsupported_content_encoding', { encoding: req.headers['content-encoding'] ?? '' });
    case undefined:
      // zlib's own error (Z_DATA_ERROR, Z_BUF_ERROR…) on a body that is not the gzip/deflate data it claims to be.
      if (typeof error?.code === 'string' && error.code.startsWith('Z_')) {
        return apiError('request.invalid_content_encoding', { encoding: req.headers['content-encoding'] ?? '' });
      }
      return error;
    default:
      return error;
  }
}

/** The first place (a path such as `profile.a.a`) where `value` nests too deep or has too many keys. */
export function jsonShapeProblem(value: unknown): ApiError | null {
  const path: string[] = [];
  const problem = shapeProblemAt(value, 0, path);
  if (!problem) return null;
  const where = path.reverse().join('.') || '(body)';
  return problem === 'depth'
    ? apiError('request.json_too_deep', { max: MAX_JSON_DEPTH, path: where })
    : apiError('request.json_too_many_keys', { max: MAX_JSON_KEYS_PER_OBJECT, path: where });
}

/**
 * Recursion is safe: it stops at MAX_JSON_DEPTH. The path is collected only on the way back from a problem
 * (innermost key first), so a valid body costs one pass without allocations.
 */
function shapeProblemAt(value: unknown, depth: number, path: string[]): 'depth' | 'keys' | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) return 'depth';
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = shapeProblemAt(value[index], depth + 1, path);
      if (problem) {
        path.push(String(index));
        return problem;
      }
    }
    return null;
  }
  let keyCount = 0;
  for (const key in value) {
    if (++keyCount > MAX_JSON_KEYS_PER_OBJECT) return 'keys';
    const problem = shapeProblemAt((value as Record<string, unknown>)[key], depth + 1, path);
    if (problem) {
      path.push(key);
      return problem;
    }
  }
  return null;
}

/** express.json with the checks above; `limit` is BODY_LIMIT. */
export function jsonBody(limit: string | number): RequestHandler {
  const parse = express.json({ limit, type: JSON_TYPES, verify: refuseInvalidUtf8 });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (error?: unknown) => {
      if (error) return next(asBodyError(error, req));
      const problem = req.body === undefined ? null : jsonShapeProblem(req.body);
      next(problem ?? undefined);
    });
  };
}
