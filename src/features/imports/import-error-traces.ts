// A failing import row is kept with its original columns (for the errors CSV), so it can name a person: each row
// also lists the traces of the identifiers it carries (their canonical keys, and the email claims of addresses), so
// that erasing a persona deletes the rows that name it, by index, whatever else those rows said.
import type { ObjectId } from 'bson';
import type { Ifi } from '../../domain/model.ts';
import { canonicalIdentifierKey } from '../../domain/xapi/index.ts';
import type { Store } from '../../store/port.ts';
import { emailClaimKeys } from '../resolver/email-claims.ts';

export const IMPORT_ERRORS_COLLECTION = 'personaImportErrors';

export const claimTrace = (sha1: string): string => `claim|${sha1}`;

/** The traces of a row's valid identifiers: canonical keys as identifiers store them, and `claim|<sha1>`. */
export function tracesOf(ifis: Ifi[]): string[] {
  return [...new Set([...ifis.map((ifi) => canonicalIdentifierKey(ifi)), ...ifis.flatMap(emailClaimKeys).map(claimTrace)])];
}

/** Erasure: the failing rows of every import that name any of these traces. */
export async function deleteImportErrorsNaming(store: Store, organisation: ObjectId, traces: string[]): Promise<number> {
  let deleted = 0;
  for (let start = 0; start < traces.length; start += 1000) {
    deleted += (
      await store.collection(IMPORT_ERRORS_COLLECTION).deleteMany({ organisation, traces: { $in: traces.slice(start, start + 1000) } })
    ).deletedCount;
  }
  return deleted;
}
