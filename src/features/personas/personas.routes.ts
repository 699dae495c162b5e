// /v1/personas: list, count, create (one or a batch), batch update/delete, read with embeds, replace, merge-patch,
// delete with the cascade rule. Lookups by identifier and user id live in persona-lookup.routes.ts.
import { z } from 'zod';
import type { Request } from 'express';
import { runBatch, parseId } from '../../http/batch.ts';
import { apiError } from '../../core/errors/api-error.ts';
import { defineListRoutes } from '../../http/list-routes.ts';
import { BatchResultSchema, defineRoute, listOf, objectIdParams, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import type { Caller } from '../../core/caller.ts';
import { IdentifierSchema } from '../identifiers/identifiers.schemas.ts';
import { AttributeSchema } from '../attributes/attributes.schemas.ts';
import { LinkSchema } from '../links/links.schemas.ts';
import { personaReadResponses } from './persona-guard.ts';
import { personaView, personaWithEmbedsView } from './persona-view.ts';
import {
  MAX_BATCH,
  PERSONA_LIST,
  PersonaBatchDeleteItemSchema,
  PersonaBatchUpdateItemSchema,
  PersonaCreateSchema,
  PersonaPatchSchema,
  PersonaReplaceSchema,
  PersonaSchema,
} from './personas.schemas.ts';
import { SeenNamesSchema } from '../names/names.schemas.ts';
import type { PersonasService } from './personas.service.ts';

export const PersonaWithEmbedsSchema = PersonaSchema.extend({
  identifiers: z.array(IdentifierSchema),
  attributes: z.array(AttributeSchema),
  links: z.array(LinkSchema),
  names: SeenNamesSchema.optional(),
}).meta({ id: 'PersonaWithEmbeds' });

const tags = ['Personas'];
const idParams = objectIdParams('id');
const personaId = (req: Request) => parseId(req.params.id, 'personas.invalid_persona_id');

export function registerPersonaRoutes(kit: RouteKit, { personas }: { personas: PersonasService }): void {
  defineListRoutes(kit, {
    path: '/v1/personas',
    scope: 'personas:read',
    tags,
    spec: PERSONA_LIST,
    list: {
      summary: 'List personas',
      response: { description: 'A page of personas (or stacked groups with stack=)', schema: listOf(PersonaSchema, 'PersonaList') },
    },
    count: { summary: 'Count personas (same filters as the list)' },
    find: (caller, query) => personas.list(caller, query),
    view: (persona, found, query) =>
      query.include.length ? personaWithEmbedsView(persona, found.embeds.get(persona._id.toHexString()) ?? {}) : personaView(persona),
    countOf: (caller, query) => personas.count(caller, query),
  });

  async function createOne(caller: Caller, body: unknown, prefix = '') {
    return personas.create(caller, parseWith(PersonaCreateSchema, body, 'personas', prefix));
  }

  defineRoute(kit, {
    method: 'post',
    path: '/v1/personas',
    scope: 'personas:write',
    tags,
    summary: 'Create a persona, or a batch (array of up to 1000)',
    body: z.union([PersonaCreateSchema, z.array(PersonaCreateSchema).max(MAX_BATCH)]),
    responses: {
      201: {
        description: 'Created (single)',
        schema: PersonaWithEmbedsSchema,
        headers: { Location: { description: 'URL of the persona' } },
      },
      200: { description: 'Batch: one result per item', schema: BatchResultSchema },
      409: { description: 'identifiers.identifier_exists' },
    },
    async handler(req, res, caller) {
      if (Array.isArray(req.body)) {
        res.json(
          await runBatch(req.body, async (item) => ({ status: 201, id: (await createOne(caller, item)).persona._id.toHexString() })),
        );
        return;
      }
      const { persona, embeds } = await createOne(caller, req.body);
      res.status(201).location(`/v1/personas/${persona._id.toHexString()}`).json(personaWithEmbedsView(persona, embeds));
    },
  });

  defineRoute(kit, {
    method: 'put',
    path: '/v1/personas',
    scope: 'personas:write',
    tags,
    summary: 'Batch update: each item has id and the replaced fields',
    body: z.array(PersonaBatchUpdateItemSchema).max(MAX_BATCH),
    responses: { 200: { description: 'One result per item', schema: BatchResultSchema } },
    async handler(req, res, caller) {
      if (!Array.isArray(req.body))
        throw apiError('personas.failed_to_validate', { count: 1 }, [
          { path: '', code: 'validation.invalid_type', message: 'expected an array of {id, ...}' },
        ]);
      res.json(
        await runBatch(req.body, async (item) => {
          const { id, ...fields } = parseWith(PersonaBatchUpdateItemSchema, item, 'personas');
          return {
            status: 200,
            id: (await personas.replace(caller, parseId(id, 'personas.invalid_persona_id'), fields))._id.toHexString(),
          };
        }),
      );
    },
  });

  defineRoute(kit, {
    method: 'delete',
    path: '/v1/personas',
    scope: 'personas:write',
    tags,
    summary: 'Batch delete: an array of {id} (cascade=true also deletes identifiers)',
    body: z.array(PersonaBatchDeleteItemSchema).max(MAX_BATCH),
    query: z.object({ cascade: z.enum(['true', 'false']).optional() }),
    responses: { 200: { description: 'One result per item (204 each when deleted)', schema: BatchResultSchema } },
    async handler(req, res, caller) {
      if (!Array.isArray(req.body))
        throw apiError('personas.failed_to_validate', { count: 1 }, [
          { path: '', code: 'validation.invalid_type', message: 'expected an array of {id}' },
        ]);
      const cascade = cascadeOf(req);
      res.json(
        await runBatch(req.body, async (item) => {
          const { id } = parseWith(PersonaBatchDeleteItemSchema, item, 'personas');
          await personas.remove(caller, parseId(id, 'personas.invalid_persona_id'), { cascade });
          return { status: 204, id };
        }),
      );
    },
  });
}

function cascadeOf(req: Request): boolean {
  const cascade = req.query.cascade;
  if (cascade === undefined || cascade === 'false') return false;
  if (cascade === 'true') return true;
  throw apiError('query.invalid_parameter', { parameter: 'cascade', reason: 'true or false' });
}

/** The single-persona routes, registered after the fixed paths (count, by-identifier, user) so those win. */
export function registerPersonaItemRoutes(kit: RouteKit, { personas }: { personas: PersonasService }): void {
  defineRoute(kit, {
    method: 'get',
    path: '/v1/personas/{id}',
    scope: 'personas:read',
    tags,
    summary: 'A persona with its identifiers, attributes and links',
    params: idParams,
    responses: {
      200: { description: 'The persona', schema: PersonaWithEmbedsSchema },
      ...personaReadResponses(),
    },
    async handler(req, res, caller) {
      const { persona, embeds } = await personas.get(caller, personaId(req));
      res.json(personaWithEmbedsView(persona, embeds));
    },
  });

  defineRoute(kit, {
    method: 'put',
    path: '/v1/personas/{id}',
    scope: 'personas:write',
    tags,
    summary: 'Replace the mutable fields',
    params: idParams,
    body: PersonaReplaceSchema,
    responses: { 200: { description: 'The persona', schema: PersonaSchema }, 404: { description: 'personas.persona_not_found' } },
    async handler(req, res, caller) {
      const id = personaId(req);
      res.json(personaView(await personas.replace(caller, id, parseWith(PersonaReplaceSchema, req.body, 'personas'))));
    },
  });

  defineRoute(kit, {
    method: 'patch',
    path: '/v1/personas/{id}',
    scope: 'personas:write',
    tags,
    summary: 'JSON merge patch (RFC 7396) of the mutable fields',
    params: idParams,
    body: PersonaPatchSchema,
    responses: { 200: { description: 'The persona', schema: PersonaSchema }, 404: { description: 'personas.persona_not_found' } },
    async handler(req, res, caller) {
      const id = personaId(req);
      res.json(personaView(await personas.patch(caller, id, parseWith(PersonaPatchSchema, req.body, 'personas'))));
    },
  });

  defineRoute(kit, {
    method: 'delete',
    path: '/v1/personas/{id}',
    scope: 'personas:write',
    tags,
    params: idParams,
    summary: 'Delete a persona (409 personas.persona_has_identifiers while identifiers are attached, unless ?cascade=true)',
    query: z.object({ cascade: z.enum(['true', 'false']).optional() }),
    responses: {
      204: { description: 'Deleted with its attributes and links' },
      404: { description: 'personas.persona_not_found' },
      409: { description: 'personas.persona_has_identifiers' },
    },
    async handler(req, res, caller) {
      const id = personaId(req);
      await personas.remove(caller, id, { cascade: cascadeOf(req) });
      res.status(204).end();
    },
  });
}
