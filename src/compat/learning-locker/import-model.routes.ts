// ERM REST routes of LL's import models (compat spec 3.5, 3.7 #28): /v2/personasimport and
// /v2/personasimporttemplate (list, count, get, create 201, update, delete 204); their generic connections are
// served with the other connections (connection.routes.ts).
// Only LL's user fields are writable (title and structure; name, structure and isPublic of templates): the stage,
// counts and errors belong to the import routes. A structure is validated as LL's model does (ERM 400).
import { Router, type RequestHandler } from 'express';
import { ObjectId } from 'bson';
import type { Store } from '../../store/port.ts';
import { CompatError } from '../../core/errors/compat-error.ts';
import { parseErmSelect, parseErmSort } from './attribute-query.ts';
import { applyProjection } from './connection-params.ts';
import { ermRoutes } from './erm-route.ts';
import { scopeFilter } from './filter-parsing.ts';
import { validateStructure } from './import-structure.ts';
import {
  PERSONAS_IMPORT_TEMPLATES,
  PERSONAS_IMPORTS,
  deleteImportCsv,
  importProcessingError,
  newPersonasImport,
  personasImportJson,
} from './personas-import-model.ts';
import type { CallerContext } from './ports.ts';
import { bodyObject, intParameter, objectIdOr } from './route-kit.ts';

interface ModelKind {
  name: string;
  collection: string;
  label: string;
  create(organisation: ObjectId, body: Record<string, any>): Record<string, unknown>;
  patch(body: Record<string, any>): Record<string, unknown>;
}

function validationError(model: string, problems: Record<string, string>): CompatError {
  const details = Object.entries(problems).map(([path, message]) => ({ path, code: 'imports.failed_to_validate', message }));
  const error = new CompatError('imports.failed_to_validate', `${model} validation failed`, details);
  const errors: Record<string, unknown> = {};
  for (const [path, message] of Object.entries(problems)) errors[path] = { message, name: 'ValidatorError', kind: 'user defined', path };
  return Object.assign(error, { ermBody: { errors, _message: `${model} validation failed`, name: 'ValidationError' } });
}

function writableFields(
  model: string,
  body: Record<string, any>,
  fields: Record<string, (value: unknown) => string | null>,
): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const [field, check] of Object.entries(fields)) {
    if (!(field in body)) continue;
    const problem = check(body[field]);
    if (problem) problems[field] = problem;
    else set[field] = field === 'structure' ? validateStructure(body[field]).structure : body[field];
  }
  if (Object.keys(problems).length > 0) throw validationError(model, problems);
  return set;
}

const checkString = (value: unknown) => (typeof value === 'string' ? null : 'must be a string');
const checkBoolean = (value: unknown) => (typeof value === 'boolean' ? null : 'must be a boolean');
const checkStructure = (value: unknown) => {
  const { problems } = validateStructure(value);
  return Object.keys(problems).length === 0
    ? null
    : Object.entries(problems)
        .map(([path, message]) => `${path} ${message}`)
        .join('; ');
};

const KINDS: ModelKind[] = [
  {
    name: 'personasimport',
    collection: PERSONAS_IMPORTS,
    label: 'PersonasImport',
    create: (organisation, body) => ({
      ...newPersonasImport(organisation, ''),
      ...writableFields('PersonasImport', body, { title: checkString, structure: checkStructure }),
    }),
    patch: (body) => writableFields('PersonasImport', body, { title: checkString, structure: checkStructure }),
  },
  {
    name: 'personasimporttemplate',
    collection: PERSONAS_IMPORT_TEMPLATES,
    label: 'PersonasImportTemplate',
    create: (organisation, body) => {
      const now = new Date();
      return {
        _id: new ObjectId(),
        organisation,
        isPublic: false,
        createdAt: now,
        updatedAt: now,
        __v: 0,
        ...writableFields('PersonasImportTemplate', body, { name: checkString, structure: checkStructure, isPublic: checkBoolean }),
      };
    },
    patch: (body) =>
      writableFields('PersonasImportTemplate', body, { name: checkString, structure: checkStructure, isPublic: checkBoolean }),
  },
];

const json = (doc: Record<string, any>) => personasImportJson(doc as never);

export function importModelRoutes(deps: { store: Store }, authenticate: RequestHandler): Router {
  const router = Router({ caseSensitive: false, strict: false });
  const erm = ermRoutes(deps.store, authenticate);
  for (const kind of KINDS) {
    const collection = () => deps.store.collection(kind.collection);
    const notFound = () => new CompatError('imports.model_not_found', `No model found for ${kind.label}`);
    const findOwned = async (caller: CallerContext, idText: unknown) => {
      const doc = await collection().findOne({ _id: objectIdOr(idText, notFound), organisation: caller.organisation });
      if (!doc) throw notFound();
      return doc;
    };
    const base = `/v2/${kind.name}`;

    router.get(
      `${base}/count`,
      ...erm(false, async (_req, res, caller) => {
        res.json({ count: await collection().countDocuments(scopeFilter(res.locals.ermQuery, caller.organisation)) });
      }),
    );
    router.get(
      base,
      ...erm(false, async (req, res, caller) => {
        const sort = parseErmSort(req.query.sort);
        const found = await collection().find(scopeFilter(res.locals.ermQuery, caller.organisation), {
          sort: sort ? ('_id' in sort ? sort : { ...sort, _id: 1 }) : { _id: 1 },
          limit: intParameter(req.query.limit, 'limit', 0),
          skip: intParameter(req.query.skip, 'skip', 0),
        });
        const projection = parseErmSelect(req.query.select);
        res.json(found.map((doc) => applyProjection(json(doc), projection)));
      }),
    );
    router.get(
      `${base}/:id`,
      ...erm(true, async (req, res, caller) => {
        res.json(applyProjection(json(await findOwned(caller, req.params.id)), parseErmSelect(req.query.select)));
      }),
    );
    router.post(
      base,
      ...erm(false, async (req, res, caller) => {
        const doc = kind.create(caller.organisation, bodyObject(req));
        await collection().insertOne(doc);
        res.status(201).json(json(doc));
      }),
    );
    const update = erm(true, async (req, res, caller) => {
      const existing = await findOwned(caller, req.params.id);
      const set = kind.patch(bodyObject(req));
      // A running import keeps the structure it started with.
      const filter = {
        _id: existing._id,
        organisation: caller.organisation,
        ...(kind.collection === PERSONAS_IMPORTS ? { importStage: { $ne: 'STAGE_PROCESSING' } } : {}),
      };
      const updated = await collection().findOneAndUpdate(
        filter,
        { $set: { ...set, updatedAt: new Date() }, $inc: { __v: 1 } },
        { returnDocument: 'after' },
      );
      if (!updated) throw importProcessingError(existing._id);
      res.json(json(updated));
    });
    router.post(`${base}/:id`, ...update);
    router.put(`${base}/:id`, ...update);
    router.patch(`${base}/:id`, ...update);
    router.delete(
      `${base}/:id`,
      ...erm(true, async (req, res, caller) => {
        const existing = await findOwned(caller, req.params.id);
        if (existing.importStage === 'STAGE_PROCESSING') throw importProcessingError(existing._id);
        await collection().deleteOne({ _id: existing._id, organisation: caller.organisation });
        if (kind.collection === PERSONAS_IMPORTS) await deleteImportCsv(deps.store, caller.organisation, existing._id);
        res.status(204).end();
      }),
    );
  }
  return router;
}
