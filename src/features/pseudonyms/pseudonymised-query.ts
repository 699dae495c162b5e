// The `pseudonymised` query parameter of the export routes: absent or `false` (the plain export, where one exists)
// or `true`; anything else is 400 naming the parameter.
import type { ObjectId } from 'bson';
import { z } from 'zod';
import { apiError } from '../../core/errors/api-error.ts';
import type { Store } from '../../store/port.ts';
import { pseudonymiserOf } from './pseudonym-keys.ts';
import type { Pseudonymiser } from './pseudonymiser.ts';

export const pseudonymisedQuery = z.string().optional().meta({
  description:
    "`true`: identifiers, names and persona ids replaced by the organisation's keyed pseudonyms (409 pseudonyms.not_enabled unless pseudonymisation is on)",
});

export function isPseudonymisedRequested(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw apiError('query.invalid_parameter', { parameter: 'pseudonymised', reason: 'must be true or false' }, [
    { path: 'query.pseudonymised', code: 'query.invalid_parameter', message: 'must be true or false' },
  ]);
}

/** The organisation's pseudonymiser, or 409 pseudonyms.not_enabled. */
export async function requirePseudonymiser(store: Store, organisation: ObjectId): Promise<Pseudonymiser> {
  const pseudonyms = await pseudonymiserOf(store, organisation);
  if (!pseudonyms) throw apiError('pseudonyms.not_enabled');
  return pseudonyms;
}
