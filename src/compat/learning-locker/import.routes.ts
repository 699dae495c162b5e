// Learning Locker's import controllers (compat spec 3.5, 7): POST /uploadpersonas (multipart `id`, `file`),
// POST /importpersonas {id}, GET /organisation/:organisationId/importpersonaserror/:id.csv, and POST /uploadpersona
// (one JSON person, which LL let any caller send: here it needs personas:write and a 400 names a missing `ifis`).
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import type { Ifi } from '../../domain/model.ts';
import { MAX_PERSONA_NAME_LENGTH } from '../../domain/xapi/index.ts';
import { AttributeKeySchema, AttributeValueSchema } from '../../features/attributes/attributes.schemas.ts';
import { writeImportBatch } from '../../features/imports/import-batch.ts';
import { DEFAULT_UPLOAD_LIMIT_BYTES } from '../../features/imports/imports.routes.ts';
import type { Store } from '../../store/port.ts';
import { CompatError, badParameter } from '../../core/errors/compat-error.ts';
import type { LlImportService } from './personas-import.service.ts';
import { personasImportJson } from './personas-import-model.ts';
import { bodyObject, llRoute, objectIdOr } from './route-kit.ts';
import { parseLlIfi } from './service-adapter.ts';

/** uploadpersona writes through the import batch, not the persona and attribute services: the same limits here. */
function assertStorablePerson(name: string | null, attributes: Array<{ key: string; value: string }>): void {
  if (name !== null && name.length > MAX_PERSONA_NAME_LENGTH) {
    throw badParameter('personas.name_too_long', 'personaName', `is longer than ${MAX_PERSONA_NAME_LENGTH} characters`);
  }
  attributes.forEach(({ key, value }, index) => {
    if (!AttributeKeySchema.safeParse(key).success)
      throw badParameter(
        'attributes.invalid_key',
        `attributes.${index}.key`,
        'is 1-200 characters, not $-prefixed, without NUL, not __proto__',
      );
    if (!AttributeValueSchema.safeParse(value).success)
      throw badParameter('attributes.invalid_value', `attributes.${index}.value`, 'is too long');
  });
}

const importNotFound = () => new CompatError('imports.import_not_found', 'No model found for PersonasImport');

function receive(
  upload: ReturnType<ReturnType<typeof multer>['single']>,
  maxFileBytes: number,
  req: Request,
  res: Response,
): Promise<void> {
  return new Promise((resolve, reject) => {
    upload(req, res, (error: unknown) => {
      if (!error) return resolve();
      const tooLarge = (error as { code?: string }).code === 'LIMIT_FILE_SIZE';
      const code = tooLarge ? 'imports.file_too_large' : 'imports.file_required';
      const message = tooLarge ? `larger than the upload limit (UPLOAD_LIMIT, ${maxFileBytes} bytes)` : (error as Error).message;
      reject(new CompatError(code, `The upload could not be read: ${message}`, [{ path: 'file', code, message }]));
    });
  });
}

/** One IFI of `/uploadpersona`, validated (LL stored anything); the path names its place in `ifis`. */
function personIfi(raw: unknown, path: string): Ifi {
  try {
    return parseLlIfi(raw);
  } catch (error) {
    if (!(error instanceof CompatError)) throw error;
    const details = error.details?.map((detail) => ({ ...detail, path: detail.path.replace(/^ifi/, path) }));
    throw new CompatError(error.code, error.message.replace(/^ifi/, path), details);
  }
}

export function importRoutes(deps: { store: Store; llImports: LlImportService; maxFileBytes?: number }): Router {
  const router = Router({ caseSensitive: false, strict: false });
  // multer counts the file's bytes as they arrive and stops the upload (and removes the partial file) past the limit.
  const maxFileBytes = deps.maxFileBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
  const upload = multer({ dest: tmpdir(), limits: { fileSize: maxFileBytes, files: 1, fields: 10 } }).single('file');

  router.post(
    '/uploadpersonas',
    llRoute('edit', async (req, res, caller) => {
      await receive(upload, maxFileBytes, req, res);
      const file = req.file;
      try {
        const id = objectIdOr(req.body?.id, importNotFound);
        if (!file)
          throw new CompatError('imports.file_required', 'file: send the CSV as the multipart/form-data field `file`', [
            { path: 'file', code: 'imports.file_required', message: 'is required' },
          ]);
        res.json(personasImportJson(await deps.llImports.upload(caller, id, file.path, file.originalname)));
      } finally {
        if (file) await rm(file.path, { force: true });
      }
    }),
  );

  router.post(
    '/importpersonas',
    llRoute('edit', async (req, res, caller) => {
      const id = objectIdOr(bodyObject(req).id, importNotFound);
      res.json(personasImportJson(await deps.llImports.start(caller, id)));
    }),
  );

  router.get(
    '/organisation/:organisationId/importpersonaserror/:file',
    llRoute('view', async (req, res, caller) => {
      const match = /^([0-9a-fA-F]{24})\.csv$/.exec(String(req.params.file));
      // Another organisation's path names no import of the caller's: the same 404 as an unknown id.
      if (!match || String(req.params.organisationId).toLowerCase() !== caller.organisation.toHexString()) throw importNotFound();
      const csv = await deps.llImports.errorCsv(caller.organisation, objectIdOr(match[1], importNotFound));
      res.status(200).type('text/csv').set('Content-Disposition', `attachment; filename="${match[1]}-error.csv"`);
      await pipeline(csv, res);
    }),
  );

  router.post(
    '/uploadpersona',
    llRoute('edit', async (req, res, caller) => {
      const body = bodyObject(req);
      if (!Array.isArray(body.ifis)) {
        throw new CompatError('imports.ifis_required', 'ifis: is required (an array of identifiers)', [
          { path: 'ifis', code: 'imports.ifis_required', message: 'is required (an array of identifiers)' },
        ]);
      }
      const raws: Array<[unknown, string]> = [
        ...(body.ifi !== undefined && body.ifi !== null && typeof body.ifi === 'object' ? [[body.ifi, 'ifi'] as [unknown, string]] : []),
        ...body.ifis.flatMap((raw: unknown, index: number) =>
          raw !== null && typeof raw === 'object' ? [[raw, `ifis.${index}`] as [unknown, string]] : [],
        ),
      ];
      const ifis = raws.map(([raw, path]) => personIfi(raw, path));
      if (ifis.length === 0)
        throw new CompatError('imports.ifis_required', 'ifis: at least one identifier is required', [
          { path: 'ifis', code: 'imports.ifis_required', message: 'at least one identifier is required' },
        ]);
      const attributes = [body.attribute, ...(Array.isArray(body.attributes) ? body.attributes : [])]
        .filter(
          (entry) =>
            entry !== null &&
            typeof entry === 'object' &&
            typeof entry.key === 'string' &&
            entry.key !== '' &&
            ['string', 'number', 'boolean'].includes(typeof entry.value),
        )
        .map((entry) => ({ key: entry.key as string, value: String(entry.value) }));
      const name = typeof body.personaName === 'string' && body.personaName.trim() !== '' ? body.personaName.trim() : null;
      assertStorablePerson(name, attributes);
      const [outcome] = await writeImportBatch(
        deps.store,
        caller.organisation,
        [{ index: 1, plan: { name, ifis, attributes, errors: [] } }],
        { mergeConflicts: false, actor: caller.clientId },
      );
      if (outcome.status === 'conflict') {
        throw new CompatError('imports.identifiers_conflict', outcome.errors.join(', '), [
          { path: 'ifis', code: 'imports.identifiers_conflict', message: outcome.errors.join(', ') },
        ]);
      }
      if (outcome.status === 'error')
        throw new CompatError('imports.invalid_person', outcome.errors.join(', '), [
          { path: 'ifis', code: 'imports.invalid_person', message: outcome.errors.join(', ') },
        ]);
      res.json({ merged: outcome.status === 'matched' });
    }),
  );

  return router;
}
