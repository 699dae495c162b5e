// xAPI versioning (1.0.3 Communication 3.3, 2.0 "Versioning"): every request except to /about names its version in
// X-Experience-API-Version; a missing or unknown one is 400. Every response carries the latest patch version of the
// major version the client speaks (2.0.0 for 2.0.x requests, 1.0.3 otherwise), errors included.
import type { RequestHandler } from 'express';
import { apiError } from '../core/errors/api-error.ts';

export const VERSION_HEADER = 'X-Experience-API-Version';

/** What GET /xapi/about lists: every patch version of 1.0 this surface answers as, and 2.0.0. */
export const SERVED_VERSIONS = ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '2.0.0'] as const;

// "1.0" is 1.0.0 (1.0.3 Communication 3.3); later patch versions of a served minor version are accepted too.
const ACCEPTED_VERSION = /^(1\.0|2\.0)(\.\d+)?$/;

function answeredVersion(requested: string | undefined): string {
  return requested !== undefined && /^2\.0(\.\d+)?$/.test(requested) ? '2.0.0' : '1.0.3';
}

/** Sets the response's version header; first in the /xapi router so that every answer has it. */
export const answerVersionHeader: RequestHandler = (req, res, next) => {
  res.set(VERSION_HEADER, answeredVersion(req.get(VERSION_HEADER)?.trim()));
  next();
};

/** 400 xapi.version_required / xapi.version_unsupported unless the request names a served version. */
export const requireVersionHeader: RequestHandler = (req, _res, next) => {
  const requested = req.get(VERSION_HEADER)?.trim();
  if (requested === undefined || requested === '') throw apiError('xapi.version_required');
  if (!ACCEPTED_VERSION.test(requested)) throw apiError('xapi.version_unsupported', { version: JSON.stringify(requested.slice(0, 40)) });
  next();
};
