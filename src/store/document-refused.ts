// A document the store will not hold: MongoDB's own limits (a document of 16 MB or more, a key holding a NUL byte,
// nesting deeper than 100 levels). Adapters throw this instead of whatever their library raised (bson's BSONError,
// the driver's MongoInvalidArgumentError or a RangeError from the serializer's buffer, a server error code), so
// the HTTP layer answers 413/422 with a registered code rather than a 500.
export type DocumentRefusal = 'too_large' | 'invalid_key' | 'too_deep';

export const DOCUMENT_REFUSED_CODES = {
  too_large: { code: 'store.document_too_large', status: 413 },
  invalid_key: { code: 'store.invalid_document', status: 422 },
  too_deep: { code: 'store.invalid_document', status: 422 },
} as const;

export class DocumentRefusedError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(
    readonly refusal: DocumentRefusal,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(reason, options);
    this.name = 'DocumentRefusedError';
    this.code = DOCUMENT_REFUSED_CODES[refusal].code;
    this.status = DOCUMENT_REFUSED_CODES[refusal].status;
  }
}
