// Persona lookups: by one identifier (`?mbox=` | `?mbox_sha1sum=` | `?openid=` | `?account.homePage=&account.name=`)
// and by user id (the `account` identifier named userId).
import { z } from 'zod';
import type { Ifi } from '../../domain/model.ts';
import { toStoredIfi, validateIfi } from '../../domain/xapi/index.ts';
import { apiError } from '../../core/errors/api-error.ts';
import { defineRoute, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import { personaView, personaWithEmbedsView } from './persona-view.ts';
import { PersonaWithEmbedsSchema } from './personas.routes.ts';
import { PersonaReplaceSchema } from './personas.schemas.ts';
import type { PersonasService } from './personas.service.ts';

const tags = ['Personas'];
const BY_IDENTIFIER_PARAMETERS = ['mbox', 'mbox_sha1sum', 'openid', 'account.homePage', 'account.name'];

export const ByIdentifierQuery = z.object({
  mbox: z.string().optional().meta({ example: 'mailto:ada@example.org' }),
  mbox_sha1sum: z.string().optional(),
  openid: z.string().optional(),
  'account.homePage': z.string().optional(),
  'account.name': z.string().optional(),
});

function invalidIdentifier(parameter: string, reason: string) {
  return apiError('query.invalid_parameter', { parameter, reason }, [
    { path: `query.${parameter}`, code: 'identifiers.invalid_ifi', message: reason },
  ]);
}

/** The one identifier a by-identifier query names, validated by the xAPI rules. */
export function ifiFromQuery(query: Record<string, unknown>): Ifi {
  for (const [parameter, value] of Object.entries(query)) {
    if (!BY_IDENTIFIER_PARAMETERS.includes(parameter)) throw invalidIdentifier(parameter, 'unknown parameter');
    if (typeof value !== 'string') throw invalidIdentifier(parameter, 'give it once, as text');
  }
  const given = Object.keys(query);
  const isAccount = given.some((parameter) => parameter.startsWith('account.'));
  if (
    given.length === 0 ||
    (isAccount ? given.length !== 2 || !('account.homePage' in query) || !('account.name' in query) : given.length !== 1)
  ) {
    throw invalidIdentifier(
      given.join(',') || 'mbox',
      'name exactly one identifier: mbox, mbox_sha1sum, openid, or account.homePage with account.name',
    );
  }
  const ifi = isAccount
    ? { key: 'account', value: { homePage: query['account.homePage'], name: query['account.name'] } }
    : { key: given[0], value: query[given[0]] };
  const problem = validateIfi(ifi, 'ifi');
  if (problem) throw invalidIdentifier(isAccount ? 'account' : given[0], problem.message);
  return toStoredIfi({ [ifi.key]: ifi.value });
}

export function registerPersonaLookupRoutes(kit: RouteKit, { personas }: { personas: PersonasService }): void {
  defineRoute(kit, {
    method: 'get',
    path: '/v1/personas/by-identifier',
    scope: 'personas:read',
    tags,
    query: ByIdentifierQuery,
    summary: 'The persona owning one identifier',
    responses: {
      200: { description: 'The persona with embeds', schema: PersonaWithEmbedsSchema },
      404: { description: 'personas.persona_not_found' },
    },
    async handler(req, res, caller) {
      const { persona, embeds } = await personas.byIdentifier(caller, ifiFromQuery(req.query as Record<string, unknown>));
      res.json(personaWithEmbedsView(persona, embeds));
    },
  });

  // The user id is a query parameter, as by-identifier's are: a path `/v1/personas/user/{userId}` would be
  // ambiguous with `/v1/personas/{id}/attributes` (and merge, duplicates, export, erase) for OpenAPI and for express.
  const userQuery = z.object({
    userId: z.string().meta({ description: 'account name', example: 'u-1' }),
    homePage: z.string().optional().meta({ description: 'account homePage; default DEFAULT_ACCOUNT_HOMEPAGE' }),
  });
  const userOf = (query: Record<string, unknown>): { userId: string; homePage?: string } => {
    const unknown = Object.keys(query).find((key) => key !== 'userId' && key !== 'homePage');
    if (unknown) throw apiError('query.invalid_parameter', { parameter: unknown, reason: 'unknown parameter' });
    if (typeof query.userId !== 'string' || query.userId === '')
      throw apiError('query.invalid_parameter', { parameter: 'userId', reason: 'required, once' });
    if (query.homePage !== undefined && typeof query.homePage !== 'string')
      throw apiError('query.invalid_parameter', { parameter: 'homePage', reason: 'give it once' });
    return { userId: query.userId, homePage: query.homePage as string | undefined };
  };

  defineRoute(kit, {
    method: 'get',
    path: '/v1/personas/by-user',
    scope: 'personas:read',
    tags,
    query: userQuery,
    summary: 'The persona of the account identifier named userId',
    responses: {
      200: { description: 'The persona with embeds', schema: PersonaWithEmbedsSchema },
      404: { description: 'personas.persona_not_found' },
      409: { description: 'personas.user_ambiguous: several personas, no homePage' },
    },
    async handler(req, res, caller) {
      const { userId, homePage } = userOf(req.query as Record<string, unknown>);
      const { persona, embeds } = await personas.byUser(caller, userId, homePage);
      res.json(personaWithEmbedsView(persona, embeds));
    },
  });

  defineRoute(kit, {
    method: 'put',
    path: '/v1/personas/by-user',
    scope: 'personas:write',
    tags,
    query: userQuery,
    body: PersonaReplaceSchema,
    summary: "Replace the user's persona fields, or create the persona with that account",
    responses: { 200: { description: 'Replaced' }, 201: { description: 'Created' }, 409: { description: 'personas.user_ambiguous' } },
    async handler(req, res, caller) {
      const { userId, homePage } = userOf(req.query as Record<string, unknown>);
      const fields = parseWith(PersonaReplaceSchema, req.body, 'personas');
      const { persona, wasCreated } = await personas.putByUser(caller, userId, homePage, fields);
      if (wasCreated) res.status(201).location(`/v1/personas/${persona._id.toHexString()}`);
      res.json(personaView(persona));
    },
  });

  // The path the native API first published: a 308 (method and body kept) to by-user, so clients written against it
  // keep working. It is not in the OpenAPI document, where it was ambiguous with the /v1/personas/{id}/… routes.
  kit.router.all('/personas/user/:userId' /* mounted under /v1 */, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'PUT') return next();
    const query = new URLSearchParams({ userId: req.params.userId });
    if (typeof req.query.homePage === 'string') query.set('homePage', req.query.homePage);
    res.redirect(308, `/v1/personas/by-user?${query}`);
  });
}
