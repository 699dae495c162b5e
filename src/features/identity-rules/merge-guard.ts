// The guard rails of a merge: the merged persona would hold the target's identifiers and every source's. A merge
// that breaks a limit or unique kind (more than the target alone already did) is refused before anything is
// journaled, so the dry run (which validates the same way) answers the same refusal.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type IdentifierDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { limitError, readGuard } from './guard.ts';

export async function assertMergeWithinLimits(store: Store, organisation: ObjectId, target: ObjectId, sources: ObjectId[]): Promise<void> {
  const guard = await readGuard(store, organisation);
  if (!guard.hasLimits) return;
  const held = await store.collection<IdentifierDoc>(COLLECTIONS.identifiers).find(
    { organisation, persona: { $in: [target, ...sources] } }, { projection: { persona: 1, ifi: 1 } },
  );
  const targets = held.filter((identifier) => identifier.persona.equals(target)).map((identifier) => identifier.ifi);
  const breach = guard.limitBreach(held.map((identifier) => identifier.ifi), targets);
  if (breach) throw limitError(breach, target);
}
