// Unordered bulk writes in the port's order. The driver sends an unordered bulk as one insert batch, then one update
// batch, then one delete batch, whatever the order of the operations, and keys upsertedIds/insertedIds by positions
// inside those batches. The port promises what the embedded engine does: every operation attempted, in array order,
// results keyed by operation index. So a mixed unordered bulk is cut into runs of consecutive operations of one
// kind, sent one after another (each unordered): a run of one kind is a contiguous driver batch, whose write-error
// and upsert indexes the driver maps correctly. Single-kind bulks, what the domain sends, stay one round trip.
import { ObjectId } from 'mongodb';
import type { BulkOperation } from '../port.ts';

export interface BulkRun {
  /** Index in the whole bulk of the run's first operation. */
  start: number;
  operations: BulkOperation[];
}

function kindOf(operation: BulkOperation): 'insert' | 'update' | 'delete' {
  if ('insertOne' in operation) return 'insert';
  return 'deleteOne' in operation || 'deleteMany' in operation ? 'delete' : 'update';
}

export function bulkRuns(operations: BulkOperation[], ordered: boolean): BulkRun[] {
  if (operations.length === 0) return []; // the driver refuses an empty bulk; the port answers an empty result
  if (ordered) return [{ start: 0, operations }];
  const runs: BulkRun[] = [];
  operations.forEach((operation, index) => {
    const last = runs.at(-1);
    if (last && kindOf(last.operations[0]) === kindOf(operation)) last.operations.push(operation);
    else runs.push({ start: index, operations: [operation] });
  });
  return runs;
}

/**
 * Gives inserted documents their `_id` before sending (a copy; the caller's document is left alone), so the adapter
 * reports insertedIds by operation index itself rather than trusting the driver's keys.
 */
export function withInsertIds(operations: BulkOperation[]): BulkOperation[] {
  return operations.map((operation) => {
    if (!('insertOne' in operation) || operation.insertOne.document._id !== undefined) return operation;
    return { insertOne: { document: { _id: new ObjectId(), ...operation.insertOne.document } } };
  });
}
