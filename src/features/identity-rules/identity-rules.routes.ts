// GET/PUT /v1/identity-rules: the organisation's identity rules (the name policy for now). Reading needs
// personas:read; changing them renames personas across the organisation, so it needs clients:admin.
import { z } from 'zod';
import { NAME_POLICIES } from '../../domain/name-policy.ts';
import { defineRoute, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import type { IdentityRulesService } from './identity-rules.service.ts';

const namePolicy = z.enum(NAME_POLICIES, { error: 'rules.invalid_name_policy' }).meta({
  description: 'Which seen name is a persona\'s display name: `first` (default; the name it was created with, or the earliest seen after a change to this policy), `latest`, `most_frequent`, or `manual` (never renamed automatically). A persona renamed through the API keeps its name under every policy.',
});

export const IdentityRulesSchema = z.object({ namePolicy }).strict().meta({ id: 'IdentityRules' });
const IdentityRulesChangeSchema = IdentityRulesSchema.extend({
  renamed: z.number().int().meta({ description: 'Personas renamed by the new name policy (their statements are re-stamped when write-back is on)' }),
}).meta({ id: 'IdentityRulesChange' });

const tags = ['Identity rules'];

export function registerIdentityRulesRoutes(kit: RouteKit, { identityRules }: { identityRules: IdentityRulesService }): void {
  defineRoute(kit, {
    method: 'get', path: '/v1/identity-rules', scope: 'personas:read', tags,
    summary: 'The organisation\'s identity rules (defaults when never saved)',
    responses: { 200: { description: 'The rules', schema: IdentityRulesSchema } },
    async handler(_req, res, caller) {
      res.json(await identityRules.get(caller.organisation));
    },
  });

  defineRoute(kit, {
    method: 'put', path: '/v1/identity-rules', scope: 'clients:admin', tags, body: IdentityRulesSchema,
    summary: 'Replace the organisation\'s identity rules',
    description: 'A changed `namePolicy` is applied at once to every persona not renamed through the API; the answer counts the personas renamed.',
    responses: { 200: { description: 'The saved rules', schema: IdentityRulesChangeSchema } },
    async handler(req, res, caller) {
      const rules = parseWith(IdentityRulesSchema, req.body, 'rules');
      res.json(await identityRules.put(caller.organisation, rules, caller.clientId));
    },
  });
}
