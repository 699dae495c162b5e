// Per-organisation identity rules (issue 15): one small settings document per organisation, read by the resolver on
// each batch and by GET /v1/identity-rules. Only the name policy for now; an organisation without a document has
// the defaults. Saving another name policy applies it to every persona at once (and re-stamps renamed ones).
import type { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import { DEFAULT_NAME_POLICY, type NamePolicy } from '../../domain/name-policy.ts';
import type { Store } from '../../store/port.ts';
import { applyNamePolicyToOrganisation, type OnRenamed } from '../names/name-policy.ts';

export interface IdentityRules {
  namePolicy: NamePolicy;
}

interface IdentityRulesDoc extends IdentityRules {
  /** The organisation's id: one document per organisation. */
  _id: ObjectId;
  organisation: ObjectId;
  updatedAt: Date;
  updatedBy: string;
}

export const DEFAULT_IDENTITY_RULES: IdentityRules = { namePolicy: DEFAULT_NAME_POLICY };

export async function readIdentityRules(store: Store, organisation: ObjectId): Promise<IdentityRules> {
  const doc = await store.collection<IdentityRulesDoc>(COLLECTIONS.identityRules).findOne({ _id: organisation, organisation });
  return { namePolicy: doc?.namePolicy ?? DEFAULT_IDENTITY_RULES.namePolicy };
}

export interface IdentityRulesService {
  get(organisation: ObjectId): Promise<IdentityRules>;
  /** Saves the rules; a changed name policy renames the personas it now names otherwise (`renamed` counts them). */
  put(organisation: ObjectId, rules: IdentityRules, actor: string): Promise<IdentityRules & { renamed: number }>;
}

export function createIdentityRulesService({ store, onRenamed }: { store: Store; onRenamed?: OnRenamed }): IdentityRulesService {
  return {
    get: (organisation) => readIdentityRules(store, organisation),
    async put(organisation, rules, actor) {
      const before = await readIdentityRules(store, organisation);
      await store.collection<IdentityRulesDoc>(COLLECTIONS.identityRules).updateOne(
        { _id: organisation, organisation },
        { $set: { namePolicy: rules.namePolicy, updatedAt: new Date(), updatedBy: actor } },
        { upsert: true },
      );
      const renamed = rules.namePolicy === before.namePolicy ? 0
        : await applyNamePolicyToOrganisation({ store, organisation, policy: rules.namePolicy, onRenamed });
      return { ...rules, renamed };
    },
  };
}
