// Recognises the MongoDB path's refusals of a document, which arrive in four shapes: bson's BSONError for a key with
// a NUL byte, the driver's MongoInvalidArgumentError for a bulk document over maxBsonObjectSize, a RangeError when a
// single document outgrows the serializer's buffer (insertOne/updateOne of ~17 MB), and server codes for what only
// the server checks (a grown document after an update, nesting deeper than 100).
import { DocumentRefusedError, type DocumentRefusal } from '../document-refused.ts';

/** Server codes: BSONObjectTooLarge; update result too large; replacement too large; Overflow (nesting depth). */
const SERVER_REFUSALS = new Map<number, DocumentRefusal>([
  [10334, 'too_large'],
  [17419, 'too_large'],
  [17420, 'too_large'],
  [15, 'too_deep'],
]);

function refusalOf(error: unknown): DocumentRefusal | null {
  if (!(error instanceof Error)) return null;
  const { name, message } = error;
  const code = (error as { code?: unknown }).code;
  if (name === 'BSONError' && /must not contain null bytes/.test(message)) return 'invalid_key';
  if (name === 'MongoInvalidArgumentError' && /larger than the maximum size/.test(message)) return 'too_large';
  if (error instanceof RangeError && code === 'ERR_OUT_OF_RANGE') return 'too_large';
  if (typeof code === 'number' && SERVER_REFUSALS.has(code))
    return code === 15 && !/nest|depth/i.test(message) ? null : SERVER_REFUSALS.get(code)!;
  return null;
}

/** The error to throw for a failed write: a DocumentRefusedError for a refused document, else the error itself. */
export function asDocumentRefusal(error: unknown): unknown {
  const refusal = refusalOf(error);
  return refusal ? new DocumentRefusedError(refusal, (error as Error).message, { cause: error }) : error;
}
