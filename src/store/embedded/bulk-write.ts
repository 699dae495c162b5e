// bulkWrite inside one write transaction. Ordered: stops at the first write error; unordered: attempts every
// operation. Write errors (duplicate key, immutable _id, bad update) are reported per operation index and never
// thrown; any other error (store full, I/O) is thrown and rolls the whole transaction back.
import { emptyBulkResult, type BulkOperation, type BulkWriteResult } from '../port.ts';
import { StoreWriteError } from './errors.ts';
import { deleteDocuments, insertDocument, updateDocuments, type CollectionContext } from './write-operations.ts';

export function applyBulk(
  contextFor: (position: number) => CollectionContext,
  operations: BulkOperation[],
  options: { isOrdered: boolean; throwWriteErrors?: boolean },
): BulkWriteResult {
  const result = emptyBulkResult();
  for (let position = 0; position < operations.length; position += 1) {
    try {
      applyOne(contextFor(position), operations[position], position, result);
    } catch (error) {
      if (!(error instanceof StoreWriteError) || options.throwWriteErrors) throw error;
      result.writeErrors.push(error.toWriteError(position));
      if (options.isOrdered) break;
    }
  }
  return result;
}

function applyOne(context: CollectionContext, operation: BulkOperation, position: number, result: BulkWriteResult): void {
  if ('insertOne' in operation) {
    result.insertedIds[position] = insertDocument(context, operation.insertOne.document);
    result.insertedCount += 1;
    return;
  }
  if ('deleteOne' in operation || 'deleteMany' in operation) {
    const isMulti = 'deleteMany' in operation;
    const filter = isMulti ? operation.deleteMany.filter : operation.deleteOne.filter;
    result.deletedCount += deleteDocuments(context, filter, { isMulti }).length;
    return;
  }
  const request =
    'updateOne' in operation
      ? { ...operation.updateOne, isMulti: false }
      : 'updateMany' in operation
        ? { ...operation.updateMany, isMulti: true }
        : {
            filter: operation.replaceOne.filter,
            replacement: operation.replaceOne.replacement,
            upsert: operation.replaceOne.upsert,
            isMulti: false,
          };
  const outcome = updateDocuments(context, request);
  result.matchedCount += outcome.matchedCount;
  result.modifiedCount += outcome.modifiedCount;
  if (outcome.upsertedId !== null) {
    result.upsertedIds[position] = outcome.upsertedId;
    result.upsertedCount += 1;
  }
}
