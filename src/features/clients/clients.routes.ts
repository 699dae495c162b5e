// /v1/clients: API clients of the caller's organisation (scope clients:admin). The secret is answered once, at creation.
// /v1/me: any signed-in client reads who it is (organisation, scopes), so a user interface can show what it may do.
import { ObjectId } from 'bson';
import type { ClientDoc } from '../../domain/model.ts';
import { callerOf } from '../../http/auth/authenticate.ts';
import { parseId } from '../../http/batch.ts';
import { defineRoute, objectIdParams, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import { z } from 'zod';
import { ClientCreateSchema, ClientSchema, MeSchema, NewClientSchema } from './clients.schemas.ts';
import type { ClientsService } from './clients.service.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';

const tags = ['Clients'];

export function clientView(client: ClientDoc) {
  return {
    id: client._id.toHexString(),
    organisation: client.organisation.toHexString(),
    title: client.title,
    key: client.key,
    scopes: client.scopes,
    createdAt: client.createdAt.toISOString(),
    revokedAt: client.revokedAt?.toISOString() ?? null,
  };
}

export function registerClientRoutes(
  kit: RouteKit,
  { clients, organisations }: { clients: ClientsService; organisations: OrganisationsService },
): void {
  defineRoute(kit, {
    method: 'get',
    path: '/v1/me',
    tags,
    summary: 'The calling client: its organisation and scopes (any valid credentials)',
    responses: { 200: { description: 'The caller', schema: MeSchema } },
    async handler(_req, res) {
      const caller = callerOf(res);
      const [client, organisation] = await Promise.all([
        clients.get(caller.organisation, new ObjectId(caller.clientId)),
        organisations.get(caller.organisation),
      ]);
      res.json({
        client: { id: caller.clientId, title: client.title, key: client.key },
        organisation: { id: organisation._id.toHexString(), name: organisation.name },
        scopes: caller.scopes,
      });
    },
  });

  defineRoute(kit, {
    method: 'post',
    path: '/v1/clients',
    scope: 'clients:admin',
    tags,
    summary: 'Create an API client in your organisation',
    body: ClientCreateSchema,
    responses: {
      201: { description: 'Created; the secret is shown only here', schema: NewClientSchema },
      403: { description: 'auth.insufficient_scope, or clients.scope_not_held: a scope the caller does not hold itself' },
    },
    async handler(req, res, caller) {
      const input = parseWith(ClientCreateSchema, req.body ?? {}, 'clients');
      const { client, secret, token } = await clients.create({
        organisation: caller.organisation,
        title: input.title,
        scopes: input.scopes,
        grantorScopes: caller.scopes,
      });
      res
        .status(201)
        .location(`/v1/clients/${client._id.toHexString()}`)
        .json({ ...clientView(client), secret, token });
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/clients',
    scope: 'clients:admin',
    tags,
    summary: "Your organisation's API clients (never their secrets)",
    responses: { 200: { description: 'Every client, oldest first', schema: z.object({ data: z.array(ClientSchema) }) } },
    async handler(_req, res, caller) {
      res.json({ data: (await clients.list(caller.organisation)).map(clientView) });
    },
  });

  defineRoute(kit, {
    method: 'delete',
    path: '/v1/clients/{id}',
    scope: 'clients:admin',
    tags,
    summary: 'Revoke a client (takes effect at once)',
    params: objectIdParams('id'),
    responses: { 204: { description: 'Revoked' }, 404: { description: 'clients.client_not_found' } },
    async handler(req, res, caller) {
      await clients.revoke(caller.organisation, parseId(req.params.id, 'clients.invalid_client_id'));
      res.status(204).end();
    },
  });
}
