// Existing data that breaks an organisation's guard rails: identifiers a rule blocks and personas over a limit or
// holding two of a unique kind. Reported when rules are saved (or tried with a dry run), never changed: an admin
// decides whether to move, split or delete. One pass over the organisation's identifiers in pages of 1,000.
import type { ObjectId } from 'bson';
import { compileGuardRules, describeBreach, type GuardRules } from '../../domain/guard-rules.ts';
import { COLLECTIONS, type IdentifierDoc, type Ifi } from '../../domain/model.ts';
import { iterateInPages } from '../../store/iterate-in-pages.ts';
import type { Store } from '../../store/port.ts';

/** Violations listed in an answer; `count` counts them all. */
export const LISTED_VIOLATIONS = 100;

export interface RuleViolation {
  rule: string;
  persona: string;
  identifier?: string;
  canonicalKey?: string;
  message: string;
}

export interface RuleViolations {
  count: number;
  listed: RuleViolation[];
}

export async function findRuleViolations(store: Store, organisation: ObjectId, rules: GuardRules): Promise<RuleViolations> {
  const guard = compileGuardRules(rules);
  const found: RuleViolations = { count: 0, listed: [] };
  const report = (violation: RuleViolation) => {
    found.count += 1;
    if (found.listed.length < LISTED_VIOLATIONS) found.listed.push(violation);
  };
  const byPersona = new Map<string, Ifi[]>();
  const identifiers = store.collection<IdentifierDoc>(COLLECTIONS.identifiers);
  for await (const identifier of iterateInPages(identifiers, { organisation }, { sort: { _id: 1 } })) {
    const persona = identifier.persona.toHexString();
    const rule = guard.blockingRule(identifier.ifi);
    if (rule) {
      report({
        rule,
        persona,
        identifier: identifier._id.toHexString(),
        canonicalKey: identifier.canonicalKey,
        message: `identifier ${identifier.canonicalKey} is blocked by ${rule}`,
      });
    }
    if (!guard.hasLimits) continue;
    const held = byPersona.get(persona);
    if (held) held.push(identifier.ifi);
    else byPersona.set(persona, [identifier.ifi]);
  }
  for (const [persona, ifis] of byPersona) {
    const breach = guard.limitBreach(ifis);
    if (breach) report({ rule: breach.rule, persona, message: `persona ${persona} holds ${describeBreach(breach)}` });
  }
  return found;
}
