// HTTP routes of CSV imports: POST /v1/imports (multipart: `file`, `mapping` as JSON text, optional `title` and
// `mergeConflicts`), progress (GET /v1/imports/{id}) and the per-row errors as CSV. The upload lands in a temporary
// file; file and mapping are checked whole before anything is written (400/422), then the import runs in the
// background (202) and the temporary file is removed when it ends.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { defineRoute, objectIdParams, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import { ApiError, identityError } from '../../core/errors/api-error.ts';
import { parsePathId } from '../merges/merges.routes.ts';
import { toImportView, type ImportService } from './imports.service.ts';

const tags = ['Identity management'];

/** UPLOAD_LIMIT's default (config.ts), for routes built without the config. */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 100 * 1024 ** 2;

export const ImportSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    state: z.enum(['processing', 'completed', 'failed']),
    headers: z.array(z.string()),
    mapping: z.unknown(),
    mergeConflicts: z.boolean(),
    totalRows: z.number().int(),
    processedRows: z.number().int(),
    counts: z.object({
      created: z.number().int(),
      matched: z.number().int(),
      merged: z.number().int(),
      conflicts: z.number().int(),
      errors: z.number().int(),
    }),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    failure: z.string().nullable(),
  })
  .meta({ id: 'Import' });

const dryRunRowError = z.object({
  code: z.string().meta({ description: "`imports.invalid_row`, `imports.row_conflict` or an identity rule's `rules.*` code" }),
  message: z.string(),
});

export const ImportDryRunSchema = z
  .object({
    dryRun: z.literal(true),
    totalRows: z.number().int(),
    counts: z.object({
      created: z.number().int().meta({ description: 'Rows that would create a persona' }),
      updated: z
        .number()
        .int()
        .meta({ description: 'Rows that would add to (or only match) an existing persona, or one an earlier row creates' }),
      refused: z.number().int().meta({ description: 'Rows that would write nothing (errors say why)' }),
      merges: z.number().int().meta({ description: 'Rows that would merge personas (mergeConflicts=true)' }),
    }),
    rows: z
      .array(
        z.object({
          row: z.number().int().meta({ description: '1-based data row (the header is row 0)' }),
          outcome: z.enum(['created', 'updated', 'refused']),
          persona: z.string().nullable().meta({
            description: 'The persona the row writes to; for one the import would create, an id that holds only within this report',
          }),
          merges: z.array(z.string()).meta({ description: 'Personas that would be merged into `persona`' }),
          errors: z.array(dryRunRowError).meta({ description: 'Why the row is refused, or the identity rule that would refuse its merge' }),
        }),
      )
      .meta({ description: 'Row by row, at most the first 10,000' }),
    rowsTruncated: z.boolean(),
  })
  .meta({ id: 'ImportDryRun' });

const ImportQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: '`true`: answer what the import would do row by row (200, ImportDryRun) and write nothing' }),
});

export interface ImportRouteOptions {
  imports: ImportService;
  /** Where uploads are kept while they are imported (default: the OS temporary directory). */
  uploadDir?: string;
  /** Largest accepted file (UPLOAD_LIMIT; a million-row file is ~100 MB). multer stops the upload when it passes it. */
  maxFileBytes?: number;
  /** Keeps the background import's promise (the app's close() waits for running imports). */
  track(done: Promise<unknown>): void;
  /** How many imports run in the background now, and how many may (IMPORTS_MAX_RUNNING): more are refused. */
  running?: () => number;
  maxRunning?: number;
}

/** An import takes seconds to minutes: asking again much sooner only repeats the refusal. */
const IMPORTS_BUSY_RETRY_AFTER_SECONDS = 30;

function receive(
  upload: ReturnType<ReturnType<typeof multer>['single']>,
  maxFileBytes: number,
  req: Request,
  res: Response,
): Promise<void> {
  return new Promise((resolve, reject) => {
    upload(req, res, (error: unknown) => {
      if (!error) return resolve();
      const code = (error as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') {
        const limit = `the upload limit (UPLOAD_LIMIT, ${maxFileBytes} bytes)`;
        reject(
          identityError('imports.file_too_large', `the file is larger than ${limit}`, [
            { path: 'file', code: 'imports.file_too_large', message: `larger than ${limit}` },
          ]),
        );
      } else if (typeof code === 'string' && code.startsWith('LIMIT_'))
        reject(
          identityError('imports.file_required', `the form is not an import form: ${(error as Error).message}`, [
            { path: (error as { field?: string }).field ?? 'file', code: 'imports.file_required', message: (error as Error).message },
          ]),
        );
      else
        reject(
          identityError('imports.malformed_csv', `the upload could not be read: ${(error as Error).message}`, [
            { path: 'file', code: 'imports.malformed_csv', message: (error as Error).message },
          ]),
        );
    });
  });
}

function parseMapping(text: unknown): unknown {
  if (typeof text !== 'string' || text.trim() === '') {
    throw identityError('imports.invalid_mapping', 'the form needs a mapping field (JSON)', [
      { path: 'mapping', code: 'imports.invalid_mapping', message: 'is required' },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw identityError('imports.invalid_mapping', `mapping is not valid JSON: ${(error as Error).message}`, [
      { path: 'mapping', code: 'imports.invalid_mapping', message: 'is not valid JSON' },
    ]);
  }
}

export function registerImportRoutes(kit: RouteKit, options: ImportRouteOptions): void {
  const { imports } = options;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
  const upload = multer({ dest: options.uploadDir ?? tmpdir(), limits: { fileSize: maxFileBytes, files: 1, fields: 10 } }).single('file');

  defineRoute(kit, {
    method: 'post',
    path: '/v1/imports',
    scope: 'personas:write',
    tags,
    query: ImportQuerySchema,
    summary: 'Import personas from a CSV file (multipart/form-data)',
    description:
      'Form fields: `file` (CSV with a header row), `mapping` (JSON text: `{"columns": {"<header>": {"type": "mbox" | "mbox_sha1sum" | "openid" | "account_name" | "account_homepage" | "name" | "first_name" | "last_name" | "attribute" | "ignore", "homePage"?, "homePageColumn"?, "attributeName"?, "primary"?}}}`), optional `title`, optional `mergeConflicts=true` (merge the personas of a row whose identifiers belong to different personas; default: report the row). A malformed file or mapping is refused before anything is written. The import then runs in the background: follow it at Location. With `?dryRun=true` the answer (200) says row by row what the import would do, and nothing is written.',
    responses: {
      200: {
        description: 'dryRun=true: per row, created / updated / refused with codes and reasons; nothing written',
        schema: ImportDryRunSchema,
      },
      202: {
        description: 'Accepted and running',
        schema: ImportSchema,
        headers: { Location: { description: 'URL of the import (progress)' } },
      },
      400: { description: 'imports.malformed_csv (details name the problem), imports.file_required' },
      413: { description: 'imports.file_too_large' },
      422: { description: 'imports.invalid_mapping (one detail per problem, paths under mapping.columns)' },
      503: { description: 'imports.busy: IMPORTS_MAX_RUNNING imports already run; send the file again after Retry-After seconds' },
    },
    async handler(req, res, caller) {
      const { dryRun } = parseWith(ImportQuerySchema, req.query, 'imports', 'query');
      // Refused before the upload is read: a flood of imports neither fills the disk nor queues work behind the store.
      if (options.running && options.maxRunning !== undefined && options.running() >= options.maxRunning) {
        throw new ApiError('imports.busy', {
          message: `${options.running()} imports are running (IMPORTS_MAX_RUNNING ${options.maxRunning}); send the file again after Retry-After seconds`,
          headers: { 'Retry-After': String(IMPORTS_BUSY_RETRY_AFTER_SECONDS) },
        });
      }
      await receive(upload, maxFileBytes, req, res);
      const file = req.file;
      try {
        if (!file)
          throw identityError('imports.file_required', 'send the CSV as the multipart/form-data field `file`', [
            { path: 'file', code: 'imports.file_required', message: 'is required' },
          ]);
        const mapping = parseMapping(req.body?.mapping);
        const mergeConflicts = req.body?.mergeConflicts;
        if (mergeConflicts !== undefined && mergeConflicts !== 'true' && mergeConflicts !== 'false') {
          throw identityError('imports.invalid_mapping', 'mergeConflicts is true or false', [
            { path: 'mergeConflicts', code: 'imports.invalid_mapping', message: 'true or false' },
          ]);
        }
        const title =
          typeof req.body?.title === 'string' && req.body.title.trim() !== ''
            ? req.body.title.trim().slice(0, 200)
            : file.originalname || 'import';
        const request = {
          organisation: caller.organisation,
          filePath: file.path,
          mapping,
          title,
          mergeConflicts: mergeConflicts === 'true',
          actor: caller.clientId,
        };
        if (dryRun === 'true') {
          const report = await imports.dryRunImport(request).finally(() => rm(file.path, { force: true }));
          res.status(200).json(report);
          return;
        }
        const started = await imports.startImport(request);
        options.track(started.done.finally(() => rm(file.path, { force: true })));
        res.status(202).location(`/v1/imports/${started.import._id.toHexString()}`).json(toImportView(started.import));
      } catch (error) {
        if (file) await rm(file.path, { force: true });
        throw error;
      }
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/imports/{id}',
    scope: 'personas:read',
    tags,
    params: objectIdParams('id'),
    summary: 'An import and its progress',
    responses: {
      200: { description: 'The import: state, processedRows of totalRows, counts', schema: ImportSchema },
      404: { description: 'imports.import_not_found' },
    },
    async handler(req, res, caller) {
      res.json(toImportView(await imports.getImport(caller.organisation, parsePathId(req.params.id, 'imports.invalid_import_id'))));
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/imports/{id}/errors',
    scope: 'personas:read',
    tags,
    params: objectIdParams('id'),
    summary: 'The failing rows of an import as CSV: row number, the original columns, errors',
    responses: { 200: { description: 'text/csv' }, 404: { description: 'imports.import_not_found' } },
    async handler(req, res, caller) {
      const id = parsePathId(req.params.id, 'imports.invalid_import_id');
      const csv = await imports.errorsCsv(caller.organisation, id);
      res.status(200).type('text/csv').set('Content-Disposition', `attachment; filename="import-${id.toHexString()}-errors.csv"`);
      await pipeline(csv, res);
    },
  });
}
