// The guard rails of a CSV import (features/identity-rules): a row carrying a blocked identifier, or whose new
// identifiers would take its persona past a limit or unique kind, is an error row naming the rule (it writes
// nothing); the other rows go on. Limits are counted over what the personas hold plus the rows of the batch before.
import type { ObjectId } from 'bson';
import { describeBreach, type CompiledGuardRules } from '../../domain/guard-rules.ts';
import { COLLECTIONS, type IdentifierDoc, type Ifi } from '../../domain/model.ts';
import { canonicalIdentifierKey } from '../../domain/xapi/index.ts';
import type { Store } from '../../store/port.ts';

/** A row's blocked identifiers: the error text (the first one's code and rule named) and how many, or null. */
export function blockedRowError(guard: CompiledGuardRules, ifis: readonly Ifi[]): { error: string; blocked: number } | null {
  const blocked = ifis.flatMap((ifi) => {
    const rule = guard.blockingRule(ifi);
    return rule ? [{ ifi, rule }] : [];
  });
  if (blocked.length === 0) return null;
  const [{ ifi, rule }] = blocked;
  return {
    error: `rules.identifier_blocked: identifier ${canonicalIdentifierKey(ifi)} is blocked by the identity rule ${rule}`,
    blocked: blocked.length,
  };
}

export interface HeldIdentifiers {
  /** Adds a row's new identifiers to its persona; returns the error text instead (adding nothing) when that breaks a limit. */
  add(persona: ObjectId, ifis: readonly Ifi[]): string | null;
}

/**
 * What the batch's personas hold now (read only when the rules have limits). `planned`: identifiers a dry run's
 * earlier batches would have added (by persona hex id), which the store does not hold.
 */
export async function heldIdentifiers(
  store: Store,
  organisation: ObjectId,
  guard: CompiledGuardRules,
  personas: ObjectId[],
  planned?: Map<string, Ifi[]>,
): Promise<HeldIdentifiers> {
  if (!guard.hasLimits) return { add: () => null };
  const byPersona = new Map<string, Ifi[]>();
  for (const persona of personas) {
    const added = planned?.get(persona.toHexString());
    if (added) byPersona.set(persona.toHexString(), [...added]);
  }
  if (personas.length > 0) {
    const documents = await store
      .collection<IdentifierDoc>(COLLECTIONS.identifiers)
      .find({ organisation, persona: { $in: personas } }, { projection: { persona: 1, ifi: 1 } });
    for (const document of documents)
      byPersona.set(document.persona.toHexString(), [...(byPersona.get(document.persona.toHexString()) ?? []), document.ifi]);
  }
  return {
    add(persona, ifis) {
      const before = byPersona.get(persona.toHexString()) ?? [];
      const after = [...before, ...ifis];
      const breach = guard.limitBreach(after, before);
      if (breach) return `${breach.code}: persona would hold ${describeBreach(breach)}`;
      byPersona.set(persona.toHexString(), after);
      return null;
    },
  };
}
