// Statements with attachments (xAPI 1.0.3 Data 2.4.11 and Communication 1.5.2; 2.0 "Attachments"): a
// multipart/mixed body whose first part is the statements as application/json and whose further parts are the raw
// attachments, each named by the SHA-256 in its X-Experience-API-Hash header. This service keeps no attachments, but
// it refuses what an LRS refuses (400): a first part that is not JSON, a part without its hash or whose content does
// not hash to it, and an attachment the statements declare (without a fileUrl) whose content was not sent.
import { createHash } from 'node:crypto';
import { MultipartParseError, getMultipartBoundary, parseMultipart, type MultipartPart } from '@remix-run/multipart-parser';
import { ApiError, apiError } from '../core/errors/api-error.ts';
import { unwrapForwardedDocument } from './statement-batch.ts';

const HASH_HEADER = 'x-experience-api-hash';

function invalidMultipart(reason: string): ApiError {
  return apiError('xapi.invalid_multipart', { reason });
}

function partsOf(body: Buffer, contentType: string): MultipartPart[] {
  const boundary = getMultipartBoundary(contentType);
  if (!boundary) throw invalidMultipart('the Content-Type has no boundary');
  try {
    // The body already passed BODY_LIMIT; the parser's own per-part default (2 MiB) would be a second, smaller limit.
    return [
      ...parseMultipart(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), {
        boundary,
        maxFileSize: body.byteLength,
        maxTotalSize: body.byteLength,
      }),
    ];
  } catch (error) {
    if (error instanceof MultipartParseError) throw invalidMultipart(error.message);
    throw error;
  }
}

/** The sha2 of every attachment the statements declare without a fileUrl: their content must be in the request. */
function declaredAttachmentHashes(statements: unknown): string[] {
  const list = Array.isArray(statements) ? statements : [statements];
  return list.flatMap((item) => {
    const attachments = (unwrapForwardedDocument(item) as { attachments?: unknown })?.attachments;
    if (!Array.isArray(attachments)) return [];
    return attachments
      .filter((attachment) => typeof attachment?.sha2 === 'string' && attachment.fileUrl === undefined)
      .map((attachment) => (attachment.sha2 as string).toLowerCase());
  });
}

/** The statements (one or an array, as JSON parsed them) of a multipart/mixed statements request, attachments checked. */
export function statementsFromMultipart(body: Buffer, contentType: string): unknown {
  const [first, ...attachments] = partsOf(body, contentType);
  if (!first || first.mediaType !== 'application/json')
    throw invalidMultipart('the first part must be the statements, as application/json');
  let statements: unknown;
  try {
    statements = JSON.parse(Buffer.from(first.bytes).toString('utf8'));
  } catch (error) {
    throw invalidMultipart(`the statements part is not JSON: ${(error as Error).message}`);
  }
  const sent = new Set<string>();
  for (const [index, part] of attachments.entries()) {
    const hash = part.headers[HASH_HEADER]?.trim().toLowerCase();
    if (!hash) throw invalidMultipart(`attachment part ${index + 1} has no X-Experience-API-Hash header`);
    if (createHash('sha256').update(part.bytes).digest('hex') !== hash)
      throw invalidMultipart(`the content of attachment part ${index + 1} does not hash to ${hash}`);
    sent.add(hash);
  }
  const missing = declaredAttachmentHashes(statements).find((hash) => !sent.has(hash));
  if (missing) throw invalidMultipart(`no part carries the attachment with sha2 ${missing} (and it has no fileUrl)`);
  return statements;
}
