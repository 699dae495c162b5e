// The guard rails of a merge and of its undo. A merge is refused when a source holds an identifier the rules block
// (blocked after it was created: merging would spread the junk further) or when the merged persona (the target's
// identifiers and every source's) breaks a limit or unique kind more than the target alone already did. An undo is
// refused when a source, given back its identifiers, would break a limit or unique kind saved since the merge. The
// refusal is found before anything is journaled; the merge's dry run reports it instead of throwing it.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type IdentifierDoc } from '../../domain/model.ts';
import type { ApiError } from '../../core/errors/api-error.ts';
import type { Store } from '../../store/port.ts';
import { blockedError, limitError, readGuard } from './guard.ts';

/** A rule a merge or undo would break: the refusal to throw and the rule's path in the rules document. */
export interface RuleRefusal {
  error: ApiError;
  rule: string;
}

/** The first rule the merge of `sources` into `target` would break, or null. */
export async function findMergeRuleRefusal(
  store: Store,
  organisation: ObjectId,
  target: ObjectId,
  sources: ObjectId[],
): Promise<RuleRefusal | null> {
  const guard = await readGuard(store, organisation);
  const held = await store
    .collection<IdentifierDoc>(COLLECTIONS.identifiers)
    .find({ organisation, persona: { $in: guard.hasLimits ? [target, ...sources] : sources } }, { projection: { persona: 1, ifi: 1 } });
  for (const identifier of held) {
    const sourceIndex = sources.findIndex((source) => source.equals(identifier.persona));
    const rule = sourceIndex < 0 ? null : guard.blockingRule(identifier.ifi);
    if (rule) return { error: blockedError(identifier.ifi, rule, `from[${sourceIndex}]`), rule };
  }
  if (!guard.hasLimits) return null;
  const targets = held.filter((identifier) => identifier.persona.equals(target)).map((identifier) => identifier.ifi);
  const breach = guard.limitBreach(
    held.map((identifier) => identifier.ifi),
    targets,
  );
  return breach ? { error: limitError(breach, target), rule: breach.rule } : null;
}

export async function assertMergeWithinRules(store: Store, organisation: ObjectId, target: ObjectId, sources: ObjectId[]): Promise<void> {
  const refusal = await findMergeRuleRefusal(store, organisation, target, sources);
  if (refusal) throw refusal.error;
}

/** Identifier ids per look-up (a merge may have moved hundreds of thousands). */
const RESTORED_CHUNK = 5000;

/**
 * Refuses an undo after which a source would hold, once more, the identifiers the merge moved from it (`restored`,
 * identifier ids per source) when that breaks a limit or unique kind. A tombstone holds nothing, so every breach of
 * the restored set counts, also one of data that broke a rule saved after the merge.
 */
export async function assertUndoWithinRules(store: Store, organisation: ObjectId, restored: Map<ObjectId, ObjectId[]>): Promise<void> {
  const guard = await readGuard(store, organisation);
  if (!guard.hasLimits) return;
  const identifiers = store.collection<IdentifierDoc>(COLLECTIONS.identifiers);
  for (const [source, ids] of restored) {
    if (ids.length === 0) continue;
    const held: IdentifierDoc['ifi'][] = [];
    for (let start = 0; start < ids.length; start += RESTORED_CHUNK) {
      const chunk = await identifiers.find(
        { organisation, _id: { $in: ids.slice(start, start + RESTORED_CHUNK) } },
        { projection: { ifi: 1 } },
      );
      held.push(...chunk.map((identifier) => identifier.ifi));
    }
    const breach = guard.limitBreach(held);
    if (breach) throw limitError(breach, source);
  }
}
