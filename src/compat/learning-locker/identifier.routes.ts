// LL persona identifier routes (compat spec 3.4): /v2/personaidentifier (also /v2/personaIdentifier: routing is
// case-insensitive) list, count, get, create, upsert, move, delete. Writes go through the identifier service (via
// the port), which validates and canonicalises IFIs: invalid ones are a 400 here (LL stored them).
import { Router, type Request } from 'express';
import { ObjectId } from 'bson';
import { COLLECTIONS, type IdentifierDoc } from '../../domain/model.ts';
import type { Filter } from '../../store/port.ts';
import { CompatError } from '../../core/errors/compat-error.ts';
import { parseSort } from './connection-params.ts';
import { scopeFilter } from './filter-parsing.ts';
import { listFilter, personaNotFound } from './persona.routes.ts';
import { parseQueryFilter } from './persona-ident.ts';
import type { LlPorts } from './ports.ts';
import { isObjectIdText } from '../../domain/object-id-text.ts';
import { bodyObject, intParameter, llRoute, objectIdOr } from './route-kit.ts';
import { isObjectId } from '../../domain/is-object-id.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

export function identifierNotFound(model: 'Identifier' | 'Persona Identifier' = 'Identifier'): CompatError {
  return new CompatError('identifiers.identifier_not_found', `No model found for ${model}`);
}

/** `{_id, ifi, organisation, persona}` (persona left out when absent); never `locked`/`lockedAt`. */
export function identifierJson(identifier: IdentifierDoc): Record<string, unknown> {
  return {
    _id: identifier._id.toHexString(),
    ifi: identifier.ifi,
    organisation: identifier.organisation.toHexString(),
    ...(identifier.persona ? { persona: identifier.persona.toHexString() } : {}),
  };
}

/**
 * LL takes `persona` out of the list filter and re-adds it as ObjectId(value) when truthy (a non-hex value is a
 * 400 here, a 500 in LL). The connection route also accepts an operator object (`{"$in": [{"$oid": ...}]}`).
 */
export function withPersonaCondition(filter: Filter, parameter: string, allowObject: boolean): Filter {
  if (!('persona' in filter)) return filter;
  const { persona, ...rest } = filter;
  if (!persona) return rest;
  if (isObjectId(persona)) return { ...rest, persona };
  if (isObjectIdText(persona)) return { ...rest, persona: new ObjectId(persona) };
  if (allowObject && isPlainObject(persona)) return { ...rest, persona };
  throw new CompatError('identifiers.invalid_persona_id', `${parameter}.persona: is not a persona id`, [
    { path: `${parameter}.persona`, code: 'identifiers.invalid_persona_id', message: 'is not a persona id' },
  ]);
}

function requirePersonaId(value: unknown): ObjectId {
  // LL: a missing or unknown persona is 404 "No model found for Persona with id <persona>".
  if (!isObjectIdText(value)) throw personaNotFound('Persona', value === undefined ? 'undefined' : String(value));
  return new ObjectId(value);
}

function requireIfi(body: Record<string, any>): unknown {
  if (body.ifi === undefined || body.ifi === null) {
    throw new CompatError('identifiers.invalid_ifi', 'ifi: is required', [
      { path: 'ifi', code: 'identifiers.invalid_ifi', message: 'is required' },
    ]);
  }
  return body.ifi;
}

export function identifierRoutes(ports: LlPorts): Router {
  const router = Router({ caseSensitive: false, strict: false });
  const identifiers = () => ports.store.collection<IdentifierDoc>(COLLECTIONS.identifiers);
  const parameterOf = (req: Request) => (req.query.filter !== undefined && req.query.filter !== '' ? 'filter' : 'query');

  router.get(
    '/v2/personaidentifier/count',
    llRoute('view', async (req, res, caller) => {
      const filter = await parseQueryFilter(req.query.query, { parameter: 'query' }, ports.store, caller.organisation);
      res.json({ count: await identifiers().countDocuments(scopeFilter(filter, caller.organisation)) });
    }),
  );

  router.get(
    '/v2/personaidentifier',
    llRoute('view', async (req, res, caller) => {
      const filter = withPersonaCondition(listFilter(req), parameterOf(req), false);
      const sort = parseSort(req.query.sort);
      const found = await identifiers().find(scopeFilter(filter, caller.organisation), {
        sort: '_id' in sort ? sort : { ...sort, _id: 1 },
        limit: intParameter(req.query.limit, 'limit', 0),
        skip: intParameter(req.query.skip, 'skip', 0),
      });
      res.json(found.map(identifierJson));
    }),
  );

  router.get(
    '/v2/personaidentifier/:personaIdentifierId',
    llRoute('view', async (req, res, caller) => {
      const id = objectIdOr(req.params.personaIdentifierId, () => identifierNotFound());
      const identifier = await identifiers().findOne({ _id: id, organisation: caller.organisation });
      if (!identifier) throw identifierNotFound();
      res.json(identifierJson(identifier));
    }),
  );

  const create = llRoute('create', async (req, res, caller) => {
    const body = bodyObject(req);
    const ifi = requireIfi(body);
    const persona = requirePersonaId(body.persona);
    res.json(identifierJson(await ports.identifiers.create(caller, ifi, persona)));
  });
  router.post('/v2/personaidentifier', create);
  router.put('/v2/personaidentifier', create);

  router.post(
    '/v2/personaidentifier/upsert',
    llRoute('create', async (req, res, caller) => {
      const body = bodyObject(req);
      const ifi = requireIfi(body);
      const persona = body.persona ? requirePersonaId(body.persona) : null;
      res.json(identifierJson(await ports.identifiers.upsert(caller, ifi, persona)));
    }),
  );

  const move = llRoute('edit', async (req, res, caller) => {
    const body = bodyObject(req);
    if (!body.persona) {
      throw new CompatError('identifiers.persona_required', '`persona` must be included when updating an identifier', [
        { path: 'persona', code: 'identifiers.persona_required', message: 'is required' },
      ]);
    }
    const id = objectIdOr(req.params.personaIdentifierId, () => identifierNotFound('Persona Identifier'));
    const persona = requirePersonaId(body.persona);
    const existing = await identifiers().findOne({ _id: id, organisation: caller.organisation }, { projection: { _id: 1 } });
    if (!existing) throw identifierNotFound('Persona Identifier');
    res.json(identifierJson(await ports.identifiers.move(caller, id, persona)));
  });
  router.post('/v2/personaidentifier/:personaIdentifierId', move);
  router.put('/v2/personaidentifier/:personaIdentifierId', move);
  router.patch('/v2/personaidentifier/:personaIdentifierId', move);

  router.delete(
    '/v2/personaidentifier/:personaIdentifierId',
    llRoute('delete', async (req, res, caller) => {
      const id = objectIdOr(req.params.personaIdentifierId, () => identifierNotFound());
      const existing = await identifiers().findOne({ _id: id, organisation: caller.organisation }, { projection: { _id: 1 } });
      if (!existing) throw identifierNotFound();
      await ports.identifiers.remove(caller, id);
      res.status(200).end();
    }),
  );

  return router;
}
