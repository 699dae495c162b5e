// LL persona routes (compat spec 3.3): /v2/persona list, count, get, create, rename, delete. Writes go through
// the persona service (via the port); reads use the store with the organisation forced and tombstones hidden (a
// merged persona no longer exists for LL clients, as after LL's own merge).
import { Router, type Request } from 'express';
import type { ObjectId } from 'bson';
import { COLLECTIONS, type PersonaDoc } from '../../domain/model.ts';
import type { Filter } from '../../store/port.ts';
import { MAX_PERSONA_NAME_LENGTH } from '../../domain/xapi/index.ts';
import { CompatError, badParameter } from '../../core/errors/compat-error.ts';
import { parseSort } from './connection-params.ts';
import { parseFilter, scopeFilter } from './filter-parsing.ts';
import { parseQueryFilter } from './persona-ident.ts';
import type { LlPorts } from './ports.ts';
import { bodyObject, intParameter, llRoute, objectIdOr } from './route-kit.ts';

/** Live personas only: a tombstone left by a merge is invisible on this surface. */
export const LIVE_PERSONA: Filter = { mergedInto: { $exists: false } };

export function personaNotFound(model: 'Persona' | 'personas', id?: string): CompatError {
  return new CompatError(
    'personas.persona_not_found',
    id === undefined ? `No model found for ${model}` : `No model found for ${model} with id ${id}`,
  );
}

/** `{_id, name, organisation}`; `name` left out when `omitNull` and the stored name is null (single GET). */
export function personaJson(persona: PersonaDoc, omitNull = false): Record<string, unknown> {
  const json: Record<string, unknown> = { _id: persona._id.toHexString() };
  if (!(omitNull && (persona.name === null || persona.name === undefined))) json.name = persona.name ?? null;
  json.organisation = persona.organisation.toHexString();
  return json;
}

/** v2 list filter: `filter`, else `query`, as plain JSON (LL does not run parseQuery here, so no $oid). */
export function listFilter(req: Request): Filter {
  const parameter = req.query.filter !== undefined && req.query.filter !== '' ? 'filter' : 'query';
  return parseFilter(req.query[parameter], { parameter, extendedJson: false });
}

function nameFromBody(body: Record<string, any>, isRequired: boolean): string | null | undefined {
  if (!('name' in body) || body.name === undefined) {
    if (!isRequired) return undefined;
    throw new CompatError('personas.name_required', 'name: is required', [
      { path: 'name', code: 'personas.name_required', message: 'is required' },
    ]);
  }
  if (body.name === null && !isRequired) return null;
  if (typeof body.name !== 'string') {
    throw new CompatError('personas.invalid_name', 'name: must be a string', [
      { path: 'name', code: 'personas.invalid_name', message: 'must be a string' },
    ]);
  }
  if (body.name.length > MAX_PERSONA_NAME_LENGTH) {
    throw badParameter('personas.name_too_long', 'name', `is longer than ${MAX_PERSONA_NAME_LENGTH} characters`);
  }
  return body.name;
}

export function personaRoutes(ports: LlPorts): Router {
  const router = Router({ caseSensitive: false, strict: false });
  const personas = () => ports.store.collection<PersonaDoc>(COLLECTIONS.personas);
  const scoped = (organisation: ObjectId, filter: Filter) => ({ ...scopeFilter(filter, organisation), ...LIVE_PERSONA });

  router.get(
    '/v2/persona/count',
    llRoute('view', async (req, res, caller) => {
      const filter = await parseQueryFilter(req.query.query, { parameter: 'query' }, ports.store, caller.organisation);
      res.json({ count: await personas().countDocuments(scoped(caller.organisation, filter)) });
    }),
  );

  router.get(
    '/v2/persona',
    llRoute('view', async (req, res, caller) => {
      const filter = listFilter(req);
      const sort = parseSort(req.query.sort);
      const found = await personas().find(scoped(caller.organisation, filter), {
        sort: '_id' in sort ? sort : { ...sort, _id: 1 },
        limit: intParameter(req.query.limit, 'limit', 0),
        skip: intParameter(req.query.skip, 'skip', 0),
      });
      res.json(found.map((persona) => personaJson(persona)));
    }),
  );

  router.get(
    '/v2/persona/:personaId',
    llRoute('view', async (req, res, caller) => {
      const notFound = () => personaNotFound('Persona', String(req.params.personaId));
      const id = objectIdOr(req.params.personaId, notFound);
      const persona = await personas().findOne(scoped(caller.organisation, { _id: id }));
      if (!persona) throw notFound();
      res.json({ ...personaJson(persona, true), _id: req.params.personaId });
    }),
  );

  const create = llRoute('create', async (req, res, caller) => {
    const name = nameFromBody(bodyObject(req), false);
    const persona = await ports.personas.create(caller, name ?? null);
    res.json(name === undefined ? personaJson(persona, true) : { ...personaJson(persona), name });
  });
  router.post('/v2/persona', create);
  router.put('/v2/persona', create);

  const rename = llRoute('edit', async (req, res, caller) => {
    const notFound = () => personaNotFound('personas', String(req.params.personaId));
    const id = objectIdOr(req.params.personaId, notFound);
    const name = nameFromBody(bodyObject(req), true) as string;
    const live = await personas().findOne(scoped(caller.organisation, { _id: id }), { projection: { _id: 1 } });
    if (!live) throw notFound();
    const persona = await ports.personas.rename(caller, id, name);
    res.json({ ...personaJson(persona), name });
  });
  router.post('/v2/persona/:personaId', rename);
  router.put('/v2/persona/:personaId', rename);
  router.patch('/v2/persona/:personaId', rename);

  router.delete(
    '/v2/persona/:personaId',
    llRoute('delete', async (req, res, caller) => {
      const id = objectIdOr(req.params.personaId, () => personaNotFound('Persona'));
      const live = await personas().findOne(scoped(caller.organisation, { _id: id }), { projection: { _id: 1 } });
      if (!live) throw personaNotFound('Persona');
      await ports.personas.remove(caller, id);
      res.status(200).end();
    }),
  );

  return router;
}
