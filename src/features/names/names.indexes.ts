// Indexes of the name history: one document per persona and name (the upsert's key, unique so concurrent resolvers
// add to one document), and the recency order that reads and the per-persona bound walk.
import { COLLECTIONS } from '../../domain/model.ts';
import type { IndexDefinition } from '../../store/indexes.ts';

export const NAME_INDEXES: IndexDefinition[] = [
  { collection: COLLECTIONS.names, keys: { organisation: 1, persona: 1, name: 1 }, options: { unique: true } },
  { collection: COLLECTIONS.names, keys: { organisation: 1, persona: 1, lastSeen: -1, _id: -1 } },
];
