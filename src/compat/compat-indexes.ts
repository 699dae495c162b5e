// Indexes the compatibility surfaces need beyond the native ones: Learning Locker's default connection and list
// sort is `{_id: 1}` within an organisation, so `{organisation, _id}` lets a page after any cursor be one index range
// (without it a deep page walks the organisation's entries from the start). Passed to ensureIndexes at start.
import { COLLECTIONS } from '../domain/model.ts';
import type { IndexDefinition } from '../store/indexes.ts';
import { LL_IMPORT_INDEXES } from './learning-locker/personas-import-model.ts';

export const COMPAT_INDEXES: IndexDefinition[] = [
  { collection: COLLECTIONS.personas, keys: { organisation: 1, _id: 1 } },
  { collection: COLLECTIONS.identifiers, keys: { organisation: 1, _id: 1 } },
  { collection: COLLECTIONS.attributes, keys: { organisation: 1, _id: 1 } },
  // LL's `$personaIdent` filter condition looks up the personas holding one attribute value (persona-ident.ts).
  { collection: COLLECTIONS.attributes, keys: { organisation: 1, key: 1, value: 1 } },
  ...LL_IMPORT_INDEXES,
];
