// Documents the store refuses to keep, as the client's mistake rather than a 500: MongoDB's (and the embedded
// engine's, storable-document.ts) refusals of a document over 16 MB, of NUL or `$` in a field name, of nesting
// deeper than 100 levels, and the driver's client-side versions of the same (BSONError, "larger than the maximum size"),
// which the MongoDB adapter already turns into a DocumentRefusedError.
import { DocumentRefusedError } from '../../store/document-refused.ts';

export interface StoreRefusal {
  status: 413 | 422;
  code: 'store.document_too_large' | 'store.invalid_document';
  reason: string;
}

const TOO_LARGE_CODES = new Set([10334, 17419]);

export function storeRefusalOf(error: unknown): StoreRefusal | null {
  if (error instanceof DocumentRefusedError)
    return { status: error.status as 413 | 422, code: error.code as StoreRefusal['code'], reason: error.message };
  const candidate = error as { name?: string; code?: unknown; message?: string } | null;
  const reason = String(candidate?.message ?? '');
  if (
    TOO_LARGE_CODES.has(candidate?.code as number) ||
    (candidate?.name === 'MongoInvalidArgumentError' && /larger than the maximum size/i.test(reason))
  ) {
    return { status: 413, code: 'store.document_too_large', reason };
  }
  const isBadName = candidate?.code === 2 && /field name/i.test(reason);
  const isTooDeep = candidate?.code === 15 && /nesting depth/i.test(reason);
  if (isBadName || isTooDeep || candidate?.name === 'BSONError') return { status: 422, code: 'store.invalid_document', reason };
  return null;
}
