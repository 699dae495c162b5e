// GET/PUT /v1/identity-rules: the organisation's identity rules (name policy and guard rails). Reading needs
// personas:read; changing them renames personas across the organisation and changes what resolution accepts, so it
// needs clients:admin. `?dryRun=true` validates and reports what the rules would flag, without saving.
import { z } from 'zod';
import { NAME_POLICIES } from '../../domain/name-policy.ts';
import { defineRoute, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import { guardRulesFields, RuleViolationsSchema } from './guard-rules.schemas.ts';
import type { IdentityRulesService } from './identity-rules.service.ts';

const namePolicy = z.enum(NAME_POLICIES, { error: 'rules.invalid_name_policy' }).meta({
  description:
    "Which seen name is a persona's display name: `first` (default; the name it was created with, or the earliest seen after a change to this policy), `latest`, `most_frequent`, or `manual` (never renamed automatically). A persona renamed through the API keeps its name under every policy.",
});

export const IdentityRulesSchema = z
  .object({ namePolicy, ...guardRulesFields })
  .strict()
  .meta({ id: 'IdentityRules' });
const IdentityRulesChangeSchema = IdentityRulesSchema.extend({
  renamed: z.number().int().meta({
    description: 'Personas renamed by the new name policy (their statements are re-stamped when write-back is on); 0 in a dry run',
  }),
  dryRun: z.boolean(),
  violations: RuleViolationsSchema,
}).meta({ id: 'IdentityRulesChange' });
const RulesQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: '`true`: validate and report the existing data the rules would flag, without saving' }),
});

const tags = ['Identity rules'];

export function registerIdentityRulesRoutes(kit: RouteKit, { identityRules }: { identityRules: IdentityRulesService }): void {
  defineRoute(kit, {
    method: 'get',
    path: '/v1/identity-rules',
    scope: 'personas:read',
    tags,
    summary: "The organisation's identity rules (defaults when never saved)",
    responses: { 200: { description: 'The rules', schema: IdentityRulesSchema } },
    async handler(_req, res, caller) {
      res.json(await identityRules.get(caller.organisation));
    },
  });

  defineRoute(kit, {
    method: 'put',
    path: '/v1/identity-rules',
    scope: 'clients:admin',
    tags,
    body: IdentityRulesSchema,
    query: RulesQuerySchema,
    summary: "Replace the organisation's identity rules",
    description:
      'A changed `namePolicy` is applied at once to every persona not renamed through the API; the answer counts the personas renamed. Guard rails change no existing data: identifiers they block and personas over a limit are reported in `violations` (count and the first 100). Omitted guard-rail fields take their defaults (every default block on).',
    responses: {
      200: { description: 'The saved rules (or, with dryRun=true, the rules as they would be saved)', schema: IdentityRulesChangeSchema },
      422: {
        description:
          'rules.failed_to_validate (details: rules.invalid_name_policy, rules.unsafe_pattern, rules.invalid_kind, rules.invalid_default)',
      },
    },
    async handler(req, res, caller) {
      const rules = parseWith(IdentityRulesSchema, req.body, 'rules');
      const { dryRun } = parseWith(RulesQuerySchema, req.query, 'rules', 'query');
      res.json(await identityRules.put(caller.organisation, rules, caller.clientId, { dryRun: dryRun === 'true' }));
    },
  });
}
