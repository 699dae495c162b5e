// Per-organisation identity rules (issue 15): one small settings document per organisation, read by the resolver,
// imports, merges and identifier writes, and by GET /v1/identity-rules: the name policy and the guard rails (blocked
// values, per-kind limits, unique kinds). An organisation without a document has the defaults. Saving another name
// policy applies it to every persona at once (and re-stamps renamed ones); saving guard rails changes no data: the
// identifiers and personas that break them are reported (count and listing), and a dry run reports them unsaved.
import type { ObjectId } from 'bson';
import { DEFAULT_GUARD_RULES, type GuardRules } from '../../domain/guard-rules.ts';
import { COLLECTIONS } from '../../domain/model.ts';
import { DEFAULT_NAME_POLICY, type NamePolicy } from '../../domain/name-policy.ts';
import type { Store } from '../../store/port.ts';
import { applyNamePolicyToOrganisation, type OnRenamed } from '../names/name-policy.ts';
import { findRuleViolations, type RuleViolations } from './rule-violations.ts';

export interface IdentityRules extends GuardRules {
  namePolicy: NamePolicy;
}

interface IdentityRulesDoc extends Partial<IdentityRules> {
  /** The organisation's id: one document per organisation. */
  _id: ObjectId;
  organisation: ObjectId;
  updatedAt: Date;
  updatedBy: string;
}

export const DEFAULT_IDENTITY_RULES: IdentityRules = { namePolicy: DEFAULT_NAME_POLICY, ...DEFAULT_GUARD_RULES };

export async function readIdentityRules(store: Store, organisation: ObjectId): Promise<IdentityRules> {
  const doc = await store.collection<IdentityRulesDoc>(COLLECTIONS.identityRules).findOne({ _id: organisation, organisation });
  return {
    namePolicy: doc?.namePolicy ?? DEFAULT_IDENTITY_RULES.namePolicy,
    blocked: doc?.blocked ?? DEFAULT_IDENTITY_RULES.blocked,
    limits: doc?.limits ?? DEFAULT_IDENTITY_RULES.limits,
    unique: doc?.unique ?? DEFAULT_IDENTITY_RULES.unique,
  };
}

export type IdentityRulesChange = IdentityRules & { renamed: number; dryRun: boolean; violations: RuleViolations };

export interface IdentityRulesService {
  get(organisation: ObjectId): Promise<IdentityRules>;
  /**
   * Saves the rules (not with `dryRun`); a changed name policy renames the personas it now names otherwise
   * (`renamed` counts them). `violations`: existing data that breaks the (new) guard rails, left as it is.
   */
  put(organisation: ObjectId, rules: IdentityRules, actor: string, options?: { dryRun?: boolean }): Promise<IdentityRulesChange>;
}

export function createIdentityRulesService({ store, onRenamed }: { store: Store; onRenamed?: OnRenamed }): IdentityRulesService {
  return {
    get: (organisation) => readIdentityRules(store, organisation),
    async put(organisation, rules, actor, { dryRun = false } = {}) {
      const violations = await findRuleViolations(store, organisation, rules);
      if (dryRun) return { ...rules, renamed: 0, dryRun, violations };
      const before = await readIdentityRules(store, organisation);
      const { namePolicy, blocked, limits, unique } = rules;
      await store
        .collection<IdentityRulesDoc>(COLLECTIONS.identityRules)
        .updateOne(
          { _id: organisation, organisation },
          { $set: { namePolicy, blocked, limits, unique, updatedAt: new Date(), updatedBy: actor } },
          { upsert: true },
        );
      const renamed =
        namePolicy === before.namePolicy ? 0 : await applyNamePolicyToOrganisation({ store, organisation, policy: namePolicy, onRenamed });
      return { ...rules, renamed, dryRun, violations };
    },
  };
}
