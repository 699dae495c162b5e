// Index of the name history: one document per persona and name (the upsert's key, unique so concurrent resolvers
// add to one document). Its prefix serves every read (a persona's names, at most ~100, are sorted in memory); an
// index on lastSeen would be rewritten by every sighting, which the resolver's batch path cannot afford.
import { COLLECTIONS } from '../../domain/model.ts';
import type { IndexDefinition } from '../../store/indexes.ts';

export const NAME_INDEXES: IndexDefinition[] = [
  { collection: COLLECTIONS.names, keys: { organisation: 1, persona: 1, name: 1 }, options: { unique: true } },
];
