// /v1/identifiers: list, count, read, upsert (find-or-create, or split onto a given persona), move, delete.
import type { Request } from 'express';
import { ObjectId } from 'bson';
import { parseId } from '../../http/batch.ts';
import { defineListRoutes } from '../../http/list-routes.ts';
import { defineRoute, listOf, objectIdParams, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import { identifierView } from './identifier-view.ts';
import { IDENTIFIER_LIST, IdentifierCreateSchema, IdentifierMoveSchema, IdentifierSchema } from './identifiers.schemas.ts';
import type { IdentifiersService } from './identifiers.service.ts';

const tags = ['Identifiers'];
const idParams = objectIdParams('id');
const identifierId = (req: Request) => parseId(req.params.id, 'identifiers.invalid_identifier_id');

export function registerIdentifierRoutes(kit: RouteKit, { identifiers }: { identifiers: IdentifiersService }): void {
  defineListRoutes(kit, {
    path: '/v1/identifiers',
    scope: 'personas:read',
    tags,
    spec: IDENTIFIER_LIST,
    list: { summary: 'List identifiers', response: { description: 'A page', schema: listOf(IdentifierSchema, 'IdentifierList') } },
    count: { summary: 'Count identifiers' },
    find: (caller, query) => identifiers.list(caller, query),
    view: identifierView,
    countOf: (caller, query) => identifiers.count(caller, query),
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/identifiers/{id}',
    scope: 'personas:read',
    tags,
    summary: 'An identifier',
    params: idParams,
    responses: {
      200: { description: 'The identifier', schema: IdentifierSchema },
      404: { description: 'identifiers.identifier_not_found' },
    },
    async handler(req, res, caller) {
      res.json(identifierView(await identifiers.get(caller, identifierId(req))));
    },
  });

  defineRoute(kit, {
    method: 'post',
    path: '/v1/identifiers',
    scope: 'personas:write',
    tags,
    body: IdentifierCreateSchema,
    summary:
      'Upsert: an existing ifi answers 200 (moved when persona is given and differs: a split); a new one is created on persona or on a new persona (201)',
    responses: {
      200: { description: 'Existing identifier (maybe moved)', schema: IdentifierSchema },
      201: { description: 'Created', schema: IdentifierSchema, headers: { Location: { description: 'URL of the identifier' } } },
      404: { description: 'personas.persona_not_found' },
    },
    async handler(req, res, caller) {
      const input = parseWith(IdentifierCreateSchema, req.body, 'identifiers');
      const { identifier, wasCreated } = await identifiers.upsert(caller, {
        ifi: input.ifi,
        persona: input.persona ? new ObjectId(input.persona) : undefined,
      });
      if (wasCreated) res.status(201).location(`/v1/identifiers/${identifier._id.toHexString()}`);
      res.json(identifierView(identifier));
    },
  });

  defineRoute(kit, {
    method: 'put',
    path: '/v1/identifiers/{id}',
    scope: 'personas:write',
    tags,
    summary: 'Move an identifier to another persona',
    params: idParams,
    body: IdentifierMoveSchema,
    responses: { 200: { description: 'Moved', schema: IdentifierSchema }, 404: { description: 'identifier or persona not found' } },
    async handler(req, res, caller) {
      const id = identifierId(req);
      const { persona } = parseWith(IdentifierMoveSchema, req.body, 'identifiers');
      res.json(identifierView(await identifiers.move(caller, id, new ObjectId(persona))));
    },
  });

  defineRoute(kit, {
    method: 'delete',
    path: '/v1/identifiers/{id}',
    scope: 'personas:write',
    tags,
    summary: 'Delete an identifier',
    params: idParams,
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'identifiers.identifier_not_found' },
      409: {
        description:
          'identifiers.identifier_has_statements: with statement write-back on, statements of the organisation have this IFI as actor (move the identifier instead)',
      },
    },
    async handler(req, res, caller) {
      await identifiers.remove(caller, identifierId(req));
      res.status(204).end();
    },
  });
}
