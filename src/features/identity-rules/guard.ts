// The guard rails as every writing path applies them: the organisation's compiled rules (compiled once per distinct
// rules document, so a batch pays a read and a Map lookup), and the refusals a blocked identifier or a broken limit
// gets: 422 rules.identifier_blocked and 409 rules.limit_exceeded / rules.unique_kind, each naming the rule.
import type { ObjectId } from 'bson';
import { compileGuardRules, describeBreach, type CompiledGuardRules, type GuardRules, type LimitBreach } from '../../domain/guard-rules.ts';
import { COLLECTIONS, type IdentifierDoc, type Ifi } from '../../domain/model.ts';
import { canonicalIdentifierKey } from '../../domain/xapi/canonical-identifier.ts';
import { apiError, detail, type ApiError } from '../../core/errors/api-error.ts';
import type { Store } from '../../store/port.ts';
import { recordBlockedIdentifiers } from './blocked-tally.ts';
import { readIdentityRules } from './identity-rules.service.ts';

const compiledCache = new Map<string, CompiledGuardRules>();
const MAX_CACHED = 256;

/** Compiled rules, shared by every organisation (and batch) with the same rules; the defaults are compiled once. */
export function compiledGuard(rules: GuardRules): CompiledGuardRules {
  const key = JSON.stringify([rules.blocked, rules.limits, rules.unique]);
  let compiled = compiledCache.get(key);
  if (!compiled) {
    if (compiledCache.size >= MAX_CACHED) compiledCache.delete(compiledCache.keys().next().value!);
    compiled = compileGuardRules(rules);
    compiledCache.set(key, compiled);
  }
  return compiled;
}

export async function readGuard(store: Store, organisation: ObjectId): Promise<CompiledGuardRules> {
  return compiledGuard(await readIdentityRules(store, organisation));
}

export function blockedError(ifi: Ifi, rule: string, path = 'ifi'): ApiError {
  const canonicalKey = canonicalIdentifierKey(ifi);
  return apiError('rules.identifier_blocked', { canonicalKey, rule }, [detail(path, 'rules.identifier_blocked', { canonicalKey, rule })]);
}

/**
 * Refuses the first blocked identifier of `ifis` (`pathOf` names where it was given), after adding every blocked one
 * to the organisation's daily tally (identity health's blockedIdentifiers).
 */
export async function refuseBlocked(
  store: Store,
  organisation: ObjectId,
  guard: CompiledGuardRules,
  ifis: readonly Ifi[],
  pathOf: (index: number) => string = () => 'ifi',
): Promise<void> {
  const blocked = ifis.flatMap((ifi, index) => {
    const rule = guard.blockingRule(ifi);
    return rule ? [{ ifi, index, rule }] : [];
  });
  if (blocked.length === 0) return;
  await recordBlockedIdentifiers(store, organisation, blocked.length);
  throw blockedError(blocked[0].ifi, blocked[0].rule, pathOf(blocked[0].index));
}

export function limitError(breach: LimitBreach, persona: ObjectId): ApiError {
  return apiError(breach.code, { persona: persona.toHexString(), breach: describeBreach(breach), rule: breach.rule });
}

/**
 * Refuses a change after which `persona` would hold its current identifiers (except `leaving`, the ones the change
 * takes away) plus `adding`, when that breaks a limit or unique kind. Reads nothing when the rules have none.
 */
export async function assertWithinLimits(
  store: Store,
  guard: CompiledGuardRules,
  organisation: ObjectId,
  persona: ObjectId,
  adding: readonly Ifi[],
  leaving: readonly ObjectId[] = [],
): Promise<void> {
  if (!guard.hasLimits) return;
  const held = await store
    .collection<IdentifierDoc>(COLLECTIONS.identifiers)
    .find({ organisation, persona }, { projection: { _id: 1, ifi: 1 } });
  const staying = held.filter((identifier) => !leaving.some((id) => id.equals(identifier._id))).map((identifier) => identifier.ifi);
  const breach = guard.limitBreach(
    [...staying, ...adding],
    held.map((identifier) => identifier.ifi),
  );
  if (breach) throw limitError(breach, persona);
}
