// Sorts the driver's MongoBulkWriteError into what the port promises. The driver wraps EVERY failure of a bulk batch
// in that one class: per-operation write errors, but also a command error (stepdown, MaxTimeMSExpired), a dropped
// connection and a write-concern error, where `writeErrors` is empty and the partial result looks like a success.
// Only the first kind is a report; everything else must reach the caller as a throw, with the driver's error labels
// (RetryableWriteError, TransientTransactionError) intact so retries and withTransaction still work.
import { MongoBulkWriteError, MongoWriteConcernError, type WriteError as DriverWriteError } from 'mongodb';

/** The per-operation write errors when that is all the failure is; null when the error must be thrown. */
export function reportedWriteErrors(error: unknown): DriverWriteError[] | null {
  if (!(error instanceof MongoBulkWriteError)) return null;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  if (writeErrors.length === 0 || error.result.getWriteConcernError()) return null;
  return writeErrors;
}

/**
 * The error to throw for a bulk failure that is not (only) a write-error report. A write-concern error wins even
 * when write errors came with it (the driver then reports the write errors and hides the concern failure in the
 * result): its code, not 11000, must reach callers that ignore duplicates, since nothing written is known durable.
 */
export function bulkFailure(error: unknown): unknown {
  if (!(error instanceof MongoBulkWriteError)) return error;
  const concern = error.result.getWriteConcernError();
  if (!concern) return error;
  const failure = new MongoWriteConcernError({
    ok: 1,
    writeConcernError: {
      code: concern.code ?? 64,
      errmsg: concern.errmsg ?? 'write concern error',
      ...(concern.errInfo ? { errInfo: concern.errInfo } : {}),
    },
    errorLabels: error.errorLabels,
  });
  failure.cause = error;
  return failure;
}
