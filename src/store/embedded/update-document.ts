// Applies a MongoDB update document to one document in place with mingo's update operators. They are called
// directly (not through mingo's updater, which copies its whole operator table on every call: the bulk-upsert
// hot path). `$setOnInsert` is ours: it acts as `$set` when the update inserts, and is ignored otherwise.
import * as updateOperators from 'mingo/operators/update';
import type { Document, Update } from '../port.ts';
import { badUpdateError, immutableIdError, StoreWriteError } from './errors.ts';

type OperatorFactory = (expression: Record<string, unknown>) => (document: Document) => string[];
const OPERATORS = updateOperators as unknown as Record<string, OperatorFactory>;
const SUPPORTED = new Set([...Object.keys(OPERATORS).filter((name) => name.startsWith('$')), '$setOnInsert']);

/** Refuses what MongoDB refuses before touching any document: replacement documents, unknown operators, conflicts. */
export function validateUpdate(update: Update): void {
  const operators = Object.keys(update ?? {});
  if (operators.length === 0) throw badUpdateError('Update document requires atomic operators');
  const paths: string[] = [];
  let isDotted = false;
  for (const operator of operators) {
    if (!operator.startsWith('$')) throw badUpdateError('Update document requires atomic operators');
    if (!SUPPORTED.has(operator)) throw badUpdateError(`Unknown modifier: ${operator}`);
    for (const path in update[operator] ?? {}) {
      paths.push(path);
      isDotted ||= path.includes('.');
    }
    if (operator === '$rename') paths.push(...Object.values(update[operator] as Record<string, string>));
  }
  // One operator on top-level fields cannot conflict (an object has no duplicate keys): the hot upsert shape.
  if (operators.length === 1 && !isDotted && operators[0] !== '$rename') return;
  // MongoDB (code 40): two operators may not touch the same path or a path and its parent.
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i] === sorted[i - 1] || sorted[i].startsWith(`${sorted[i - 1]}.`)) {
      throw new StoreWriteError(40, `Updating the path '${sorted[i]}' would create a conflict at '${sorted[i - 1]}'`);
    }
  }
}

/** Returns true when the document changed. An attempt to change `_id` is MongoDB's write error 66. */
export function applyUpdate(document: Document, update: Update, isInsert: boolean): boolean {
  try {
    return applyOperators(document, update, isInsert);
  } catch (error) {
    if (/immutable field '_id'/.test(String((error as Error)?.message))) throw immutableIdError();
    throw error;
  }
}

function applyOperators(document: Document, update: Update, isInsert: boolean): boolean {
  let isModified = false;
  for (const [operator, expression] of Object.entries(update)) {
    if (operator === '$setOnInsert') {
      if (isInsert) isModified = OPERATORS.$set(expression)(document).length > 0 || isModified;
      continue;
    }
    isModified = OPERATORS[operator](expression)(document).length > 0 || isModified;
  }
  return isModified;
}
