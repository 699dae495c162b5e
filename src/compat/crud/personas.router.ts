// `/crud/personas` (seed 000): list (project_id = the caller's organisation, limit/offset, search over name and
// tagline), get by `?id=`, create/update/delete one or a batch. A thin adapter over the persona service of /v1:
// lists and search are its list(), writes its create/replace/remove. Batches are checked whole before any write
// (every item valid, every id found), so a refused batch changes nothing. Errors: `{"error": {code, message, details}}`.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { jsonBody } from '../../http/json-body.ts';
import { ObjectId } from 'bson';
import type { Caller } from '../../core/caller.ts';
import type { PersonasService } from '../../features/personas/personas.service.ts';
import type { ListQuery } from '../../core/list/list-query.ts';
import { CompatError } from '../../core/errors/compat-error.ts';
import { describeError } from '../learning-locker/error-bodies.ts';
import { crudError, crudPersonaJson, mergedProfile, parseCrudPersona, type CrudPersonaInput } from './crud-persona.ts';
import { OBJECT_ID_TEXT } from '../../domain/object-id-text.ts';

export const CRUD_DEFAULT_LIMIT = 100;
export const CRUD_MAX_LIMIT = 1000;
export const CRUD_MAX_BATCH = 1000;

export type CrudAuthenticate = (req: Request) => Promise<Caller | 'organisation_expired' | null>;

const invalidParameter = (path: string, message: string) =>
  crudError('crud.invalid_parameter', [{ path, code: 'crud.invalid_parameter', message }]);

function integer(raw: unknown, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw invalidParameter(name, `must be an integer from ${min} to ${max}`);
  }
  return Number(raw);
}

/** `?id=`: one non-empty value (a repeated parameter arrives as an array); a malformed one is an unknown persona. */
function idParameter(raw: unknown): string {
  if (typeof raw !== 'string') throw invalidParameter('id', 'must be given once');
  if (raw === '') throw invalidParameter('id', 'must not be empty');
  return raw;
}

/**
 * A batch naming one persona twice would write it twice from one read (the second item undoing the first) or delete
 * it and then fail on the repeat after the first delete: refused before any write.
 */
function assertDistinctIds(ids: Array<{ id: string; path: string }>): void {
  const seen = new Map<string, string>();
  for (const { id, path } of ids) {
    const earlier = seen.get(id.toLowerCase());
    if (earlier) throw crudError('crud.invalid_batch', [{ path, code: 'crud.invalid_batch', message: `repeats ${earlier}` }]);
    seen.set(id.toLowerCase(), path);
  }
}

function personaNotFound(id: string, path = 'id'): CompatError {
  return crudError(
    'personas.persona_not_found',
    [{ path, code: 'personas.persona_not_found', message: `no persona ${id} in this project` }],
    `Persona ${id} not found`,
  );
}

/** `project_id` must be the caller's organisation: any other project is unknown to this client (404). */
function checkProject(caller: Caller, projectId: unknown, path: string): void {
  if (projectId === undefined) return;
  if (typeof projectId !== 'string' || !OBJECT_ID_TEXT.test(projectId) || !caller.organisation.equals(projectId)) {
    throw crudError(
      'crud.project_not_found',
      [{ path, code: 'crud.project_not_found', message: `no project ${String(projectId)} for this client` }],
      `Project ${String(projectId)} not found`,
    );
  }
}

function listQuery(limit: number, offset: number, search: string | null): ListQuery {
  return {
    limit,
    offset,
    after: null,
    before: null,
    conditions: [],
    search,
    stack: null,
    include: [],
    extra: {},
    sort: [{ field: 'createdAt', path: 'createdAt', direction: 1 }],
  };
}

export function createCrudRouter({
  personas,
  authenticate,
  bodyLimit,
}: {
  personas: PersonasService;
  authenticate: CrudAuthenticate;
  bodyLimit?: string;
}): Router {
  const router = Router({ caseSensitive: false, strict: false });
  router.use(async (req, res, next) => {
    const caller = await authenticate(req);
    if (caller === 'organisation_expired') throw crudError('auth.organisation_expired', [], 'The organisation of this client has expired');
    if (!caller) {
      res.set('WWW-Authenticate', 'Basic realm="persona-resolver", Bearer');
      throw crudError(
        req.headers.authorization ? 'auth.invalid_credentials' : 'auth.missing_credentials',
        [],
        'Send valid HTTP Basic (key:secret) or Bearer credentials',
      );
    }
    const needed = req.method === 'GET' || req.method === 'HEAD' ? 'personas:read' : 'personas:write';
    if (!caller.scopes.includes(needed)) throw crudError('auth.insufficient_scope', [], `This route needs the scope ${needed}`);
    res.locals.crudCaller = caller;
    next();
  });
  // After authentication: an anonymous request's body is never read (issue 11).
  router.use(jsonBody(bodyLimit ?? '10mb'));
  const callerOf = (res: Response) => res.locals.crudCaller as Caller;

  /** Live persona of the caller's organisation (a merge tombstone is gone for this surface), or 404. */
  async function load(caller: Caller, id: string, path: string) {
    return (await loadWithEmbeds(caller, id, path)).persona;
  }
  async function loadWithEmbeds(caller: Caller, id: string, path: string) {
    if (!OBJECT_ID_TEXT.test(id)) throw personaNotFound(id, path);
    try {
      return await personas.get(caller, new ObjectId(id));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'personas.persona_not_found' || code === 'personas.persona_merged') throw personaNotFound(id, path);
      throw error;
    }
  }

  /** One object or an array, checked whole; `[i]` prefixes name the item. */
  function items(req: Request, mode: 'create' | 'update'): { inputs: CrudPersonaInput[]; isBatch: boolean } {
    const body = req.body;
    if (body === undefined || body === null) {
      throw crudError('crud.invalid_persona', [
        { path: 'body', code: 'crud.invalid_persona', message: 'send a JSON object or an array of them (Content-Type: application/json)' },
      ]);
    }
    if (!Array.isArray(body)) return { inputs: [parseCrudPersona(body, '', mode)], isBatch: false };
    if (body.length === 0 || body.length > CRUD_MAX_BATCH) {
      throw crudError('crud.invalid_batch', [
        { path: 'body', code: 'crud.invalid_batch', message: `must hold 1 to ${CRUD_MAX_BATCH} items` },
      ]);
    }
    const inputs: CrudPersonaInput[] = [];
    const problems: CompatError[] = [];
    for (const [index, item] of body.entries()) {
      try {
        inputs.push(parseCrudPersona(item, `[${index}]`, mode));
      } catch (error) {
        if (error instanceof CompatError) problems.push(error);
        else throw error;
      }
    }
    if (problems.length)
      throw crudError(
        'crud.invalid_persona',
        problems.flatMap((problem) => problem.details ?? []),
      );
    return { inputs, isBatch: true };
  }

  router.get('/personas', async (req, res) => {
    const caller = callerOf(res);
    if (req.query.id !== undefined) {
      const id = idParameter(req.query.id);
      checkProject(caller, req.query.project_id, 'project_id');
      res.json(crudPersonaJson(await load(caller, id, 'id')));
      return;
    }
    checkProject(caller, req.query.project_id, 'project_id');
    const limit = integer(req.query.limit, 'limit', CRUD_DEFAULT_LIMIT, 1, CRUD_MAX_LIMIT);
    const offset = integer(req.query.offset, 'offset', 0, 0, 1e9);
    const search = typeof req.query.search === 'string' && req.query.search !== '' ? req.query.search : null;
    if (search !== null && search.length > 1000)
      throw crudError('crud.invalid_parameter', [
        { path: 'search', code: 'crud.invalid_parameter', message: 'must be at most 1000 characters' },
      ]);
    const page = await personas.list(caller, listQuery(limit, offset, search));
    res.json(page.items.map(crudPersonaJson));
  });

  router.post('/personas', async (req, res) => {
    const caller = callerOf(res);
    const { inputs, isBatch } = items(req, 'create');
    inputs.forEach((input, index) => checkProject(caller, input.project_id, isBatch ? `[${index}].project_id` : 'project_id'));
    const created = [];
    for (const input of inputs) {
      created.push((await personas.create(caller, { name: input.name as string, profile: mergedProfile({}, input.profile) })).persona);
    }
    res.status(201).json(isBatch ? created.map(crudPersonaJson) : crudPersonaJson(created[0]));
  });

  router.put('/personas', async (req, res) => {
    const caller = callerOf(res);
    const { inputs, isBatch } = items(req, 'update');
    if (isBatch) assertDistinctIds(inputs.map((input, index) => ({ id: input.id as string, path: `[${index}].id` })));
    const current = [];
    for (const [index, input] of inputs.entries()) {
      const prefix = isBatch ? `[${index}].` : '';
      checkProject(caller, input.project_id, `${prefix}project_id`);
      current.push(await load(caller, input.id as string, `${prefix}id`));
    }
    const updated = [];
    for (const [index, input] of inputs.entries()) {
      const persona = current[index];
      updated.push(
        await personas.replace(caller, persona._id, {
          name: input.name ?? (persona.name as string),
          profile: mergedProfile(persona.profile, input.profile),
          active: persona.active,
          metadata: persona.metadata,
        }),
      );
    }
    res.json(isBatch ? updated.map(crudPersonaJson) : crudPersonaJson(updated[0]));
  });

  router.delete('/personas', async (req, res) => {
    const caller = callerOf(res);
    let ids: Array<{ id: string; path: string }>;
    if (req.query.id !== undefined) {
      ids = [{ id: idParameter(req.query.id), path: 'id' }];
    } else if (Array.isArray(req.body) && req.body.length > 0 && req.body.length <= CRUD_MAX_BATCH) {
      ids = req.body.map((item: unknown, index: number) => {
        const id = (item as { id?: unknown } | null)?.id;
        if (typeof id !== 'string')
          throw crudError('crud.invalid_batch', [{ path: `[${index}].id`, code: 'crud.invalid_batch', message: 'is required' }]);
        return { id, path: `[${index}].id` };
      });
      assertDistinctIds(ids);
    } else {
      throw crudError('crud.invalid_batch', [
        { path: 'id', code: 'crud.invalid_batch', message: `pass ?id= or a body array of 1 to ${CRUD_MAX_BATCH} { "id" } objects` },
      ]);
    }
    checkProject(caller, req.query.project_id, 'project_id');
    // Checked for every item first, so a refused batch deletes nothing. Identifiers are xAPI data this surface does
    // not show: a persona that still has some is refused (the service's rule), never deleted with them.
    for (const { id, path } of ids) {
      const { embeds } = await loadWithEmbeds(caller, id, path);
      const count = embeds.identifiers?.length ?? 0;
      if (count > 0) {
        throw crudError('personas.persona_has_identifiers', [
          {
            path,
            code: 'personas.persona_has_identifiers',
            message: `persona ${id} still has ${count} xAPI identifier(s); move or delete them through /v1 first`,
          },
        ]);
      }
    }
    for (const { id } of ids) await personas.remove(caller, new ObjectId(id));
    res.json({ deleted: ids.map(({ id }) => id.toLowerCase()) });
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const described = describeError(error);
    if (described.status === 500) res.locals.compatError = error;
    const message = described.status === 500 ? 'Unexpected error' : described.message;
    res.status(described.status).json({ error: { code: described.code, message, details: described.details ?? [] } });
  });
  return router;
}
