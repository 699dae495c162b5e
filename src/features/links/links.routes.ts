// /v1/persona-links: create, list, read, update, delete links from personas to records elsewhere.
import type { Request } from 'express';
import { ObjectId } from 'bson';
import { parseId } from '../../http/batch.ts';
import { defineListRoutes } from '../../http/list-routes.ts';
import { defineRoute, listOf, objectIdParams, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import { linkView } from './link-view.ts';
import { LINK_LIST, LinkCreateSchema, LinkSchema, LinkUpdateSchema } from './links.schemas.ts';
import type { LinksService } from './links.service.ts';

const tags = ['Links'];
const idParams = objectIdParams('id');
const linkId = (req: Request) => parseId(req.params.id, 'links.invalid_link_id');

export function registerLinkRoutes(kit: RouteKit, { links }: { links: LinksService }): void {
  defineListRoutes(kit, {
    path: '/v1/persona-links',
    scope: 'personas:read',
    tags,
    spec: LINK_LIST,
    list: { summary: 'List links', response: { description: 'A page', schema: listOf(LinkSchema, 'LinkList') } },
    count: { summary: 'Count links' },
    find: (caller, query) => links.list(caller, query),
    view: linkView,
    countOf: (caller, query) => links.count(caller, query),
  });

  defineRoute(kit, {
    method: 'post',
    path: '/v1/persona-links',
    scope: 'personas:write',
    tags,
    summary: 'Link a persona to a record',
    body: LinkCreateSchema,
    responses: {
      201: { description: 'Created', schema: LinkSchema, headers: { Location: { description: 'URL of the link' } } },
      404: { description: 'personas.persona_not_found' },
      409: { description: 'links.link_exists' },
    },
    async handler(req, res, caller) {
      const input = parseWith(LinkCreateSchema, req.body, 'links');
      const link = await links.create(caller, { ...input, persona: new ObjectId(input.persona) });
      res.status(201).location(`/v1/persona-links/${link._id.toHexString()}`).json(linkView(link));
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/persona-links/{id}',
    scope: 'personas:read',
    tags,
    summary: 'A link',
    params: idParams,
    responses: { 200: { description: 'The link', schema: LinkSchema }, 404: { description: 'links.link_not_found' } },
    async handler(req, res, caller) {
      res.json(linkView(await links.get(caller, linkId(req))));
    },
  });

  defineRoute(kit, {
    method: 'put',
    path: '/v1/persona-links/{id}',
    scope: 'personas:write',
    tags,
    summary: 'Update a link',
    params: idParams,
    body: LinkUpdateSchema,
    responses: {
      200: { description: 'The link', schema: LinkSchema },
      404: { description: 'links.link_not_found' },
      409: { description: 'links.link_exists' },
    },
    async handler(req, res, caller) {
      const id = linkId(req);
      res.json(linkView(await links.update(caller, id, parseWith(LinkUpdateSchema, req.body, 'links'))));
    },
  });

  defineRoute(kit, {
    method: 'delete',
    path: '/v1/persona-links/{id}',
    scope: 'personas:write',
    tags,
    summary: 'Delete a link',
    params: idParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'links.link_not_found' } },
    async handler(req, res, caller) {
      await links.remove(caller, linkId(req));
      res.status(204).end();
    },
  });
}
