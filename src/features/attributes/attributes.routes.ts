// Persona attributes: per persona (list, put one key, delete one key) and across personas (`GET /v1/attributes`).
import { z } from 'zod';
import type { Request } from 'express';
import { parseId } from '../../http/batch.ts';
import { defineListRoutes } from '../../http/list-routes.ts';
import { defineRoute, listOf, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import { attributeView } from './attribute-view.ts';
import { ATTRIBUTE_LIST, AttributeKeySchema, AttributePutSchema, AttributeSchema } from './attributes.schemas.ts';
import type { AttributesService } from './attributes.service.ts';

const tags = ['Attributes'];
const personaId = (req: Request) => parseId(req.params.id, 'personas.invalid_persona_id');
const keyParams = z.object({ id: z.string(), key: z.string() });

export function registerAttributeRoutes(kit: RouteKit, { attributes }: { attributes: AttributesService }): void {
  defineListRoutes(kit, {
    path: '/v1/attributes',
    scope: 'personas:read',
    tags,
    spec: ATTRIBUTE_LIST,
    list: {
      summary: 'Attributes across personas (?key=&value=)',
      response: { description: 'A page', schema: listOf(AttributeSchema, 'AttributeList') },
    },
    count: { summary: 'Count attributes' },
    find: (caller, query) => attributes.search(caller, query),
    view: attributeView,
    countOf: (caller, query) => attributes.count(caller, query),
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/personas/{id}/attributes',
    scope: 'personas:read',
    tags,
    summary: "A persona's attributes",
    params: z.object({ id: z.string() }),
    responses: { 200: { description: 'Every attribute, by key', schema: z.object({ data: z.array(AttributeSchema) }) } },
    async handler(req, res, caller) {
      res.json({ data: (await attributes.listOfPersona(caller, personaId(req))).map(attributeView) });
    },
  });

  defineRoute(kit, {
    method: 'put',
    path: '/v1/personas/{id}/attributes/{key}',
    scope: 'personas:write',
    tags,
    summary: 'Set one attribute',
    params: keyParams,
    body: AttributePutSchema,
    responses: { 200: { description: 'Replaced', schema: AttributeSchema }, 201: { description: 'Created', schema: AttributeSchema } },
    async handler(req, res, caller) {
      const id = personaId(req);
      const key = parseWith(AttributeKeySchema, req.params.key, 'attributes', 'key');
      const { value } = parseWith(AttributePutSchema, req.body, 'attributes');
      const { attribute, wasCreated } = await attributes.put(caller, id, key, value);
      res.status(wasCreated ? 201 : 200).json(attributeView(attribute));
    },
  });

  defineRoute(kit, {
    method: 'delete',
    path: '/v1/personas/{id}/attributes/{key}',
    scope: 'personas:write',
    tags,
    summary: 'Delete one attribute',
    params: keyParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'attributes.attribute_not_found' } },
    async handler(req, res, caller) {
      await attributes.remove(caller, personaId(req), String(req.params.key));
      res.status(204).end();
    },
  });
}
