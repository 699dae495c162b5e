// Indexes the native API's lists and lookups need beyond src/store/indexes.ts (lead: include in ensureIndexes).
// Every list sort ends in `_id` so keyset cursors walk one index at the same cost at any depth.
import { COLLECTIONS } from '../../domain/model.ts';
import type { IndexDefinition } from '../../store/indexes.ts';

export const NATIVE_API_INDEXES: IndexDefinition[] = [
  // GET /v1/identifiers default sort; /v1/personas/by-user?userId= without a homePage.
  { collection: COLLECTIONS.identifiers, keys: { organisation: 1, createdAt: 1, _id: 1 } },
  { collection: COLLECTIONS.identifiers, keys: { organisation: 1, 'ifi.value.name': 1 } },
  // GET /v1/attributes default sort (key) and /v1/persona-links default sort.
  { collection: COLLECTIONS.attributes, keys: { organisation: 1, key: 1, _id: 1 } },
  { collection: COLLECTIONS.links, keys: { organisation: 1, createdAt: 1, _id: 1 } },
];
