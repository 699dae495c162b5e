// Applies a MongoDB update document to one document in place with mingo's updater. `$setOnInsert` is ours to
// handle (mingo has no such operator): it acts as `$set` when the update inserts, and is ignored otherwise.
import { update as applyModifier } from 'mingo/updater';
import type { Document, Update } from '../port.ts';
import { badUpdateError } from './errors.ts';

const SUPPORTED = new Set(['$set', '$unset', '$setOnInsert', '$inc', '$mul', '$push', '$addToSet', '$pull', '$pullAll', '$pop', '$min', '$max', '$currentDate', '$rename', '$bit']);

/** Refuses what MongoDB refuses before touching any document: replacement documents and unknown operators. */
export function validateUpdate(update: Update): void {
  const operators = Object.keys(update ?? {});
  if (operators.length === 0) throw badUpdateError('Update document requires atomic operators');
  for (const operator of operators) {
    if (!operator.startsWith('$')) throw badUpdateError('Update document requires atomic operators');
    if (!SUPPORTED.has(operator)) throw badUpdateError(`Unknown modifier: ${operator}`);
  }
}

/** Returns true when the document changed. */
export function applyUpdate(document: Document, update: Update, isInsert: boolean): boolean {
  const { $setOnInsert, ...modifier } = update;
  if (isInsert && $setOnInsert) modifier.$set = { ...modifier.$set, ...$setOnInsert };
  if (Object.keys(modifier).length === 0) return false;
  return applyModifier(document, modifier).length > 0;
}
