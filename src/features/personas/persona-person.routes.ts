// GET /v1/personas/{id}/person: the xAPI Person object of a persona, the same one GET /xapi/agents answers for any
// of its agents. A merged persona redirects (308) to the Person of the persona it was merged into.
import { z } from 'zod';
import type { Store } from '../../store/port.ts';
import { parseId } from '../../http/batch.ts';
import { defineRoute, objectIdParams, type RouteKit } from '../../http/route-kit.ts';
import { personaReadResponses, readPersona } from './persona-guard.ts';
import type { PersonReader } from './persona-person.ts';

const ifiList = (item: z.ZodType, description: string) => z.array(item).meta({ description });

export const PersonObjectSchema = z
  .object({
    objectType: z.literal('Person'),
    name: ifiList(
      z.string(),
      "Every name: the persona's, those of the personas merged into it, and every other name seen for them (statements, imports, the API)",
    ),
    mbox: ifiList(z.string(), 'mailto: IRIs'),
    mbox_sha1sum: ifiList(z.string(), 'SHA-1 hex of mailto: IRIs'),
    openid: ifiList(z.string(), 'OpenID URIs'),
    account: ifiList(z.object({ homePage: z.string(), name: z.string() }), 'Accounts'),
  })
  .meta({ id: 'PersonObject', description: 'xAPI Person object (1.0.3 Agents resource, 2.0 Person Object)' });

export function registerPersonaPersonRoute(kit: RouteKit, { store, persons }: { store: Store; persons: PersonReader }): void {
  defineRoute(kit, {
    method: 'get',
    path: '/v1/personas/{id}/person',
    scope: 'personas:read',
    tags: ['Personas'],
    params: objectIdParams('id'),
    summary: 'The xAPI Person object of a persona: every identifier, and every name (its own and those merged into it)',
    responses: {
      200: { description: 'The Person', schema: PersonObjectSchema },
      ...personaReadResponses('/person'),
    },
    async handler(req, res, caller) {
      const persona = await readPersona(store, caller.organisation, parseId(req.params.id, 'personas.invalid_persona_id'), '/person');
      res.json(await persons.ofPersona(caller.organisation, persona));
    },
  });
}
