// Commander argument parsers every `persona` command shares, so an id or a count is refused with the same words
// everywhere (commander prints the message and exits 2: exit-codes.ts).
import { ObjectId } from 'bson';
import { InvalidArgumentError } from 'commander';
import { isObjectIdText } from '../domain/object-id-text.ts';

/** A 24-hex id; `what` names it in the message ("must be a 24-character hex organisation id"). */
export function parseId(value: string, what = 'id'): ObjectId {
  if (!isObjectIdText(value)) throw new InvalidArgumentError(`must be a 24-character hex ${what}`);
  return new ObjectId(value);
}

export const parseOrganisationId = (value: string): ObjectId => parseId(value, 'organisation id');

/** For a variadic id operand: each value is parsed, the list accumulated. */
export function idList(what: string): (value: string, previous: ObjectId[] | undefined) => ObjectId[] {
  return (value, previous) => [...(previous ?? []), parseId(value, what)];
}

export function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a positive integer');
  return parsed;
}

export function parseScore(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 1)
    throw new InvalidArgumentError('must be a number from 0 to 1');
  return parsed;
}
