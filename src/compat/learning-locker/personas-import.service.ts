// Learning Locker's persona import (compat spec 7) over the identity import service: the upload is checked and
// stored, `importpersonas` turns LL's structure into our mapping and runs features/imports (one row implementation),
// then reports LL's result and errors. Unlike LL (section 8, 35-36): a failing row is reported once, a row whose
// identifiers belong to different personas is reported as a conflict (not merged), and an import always finishes.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectId } from 'bson';
import { stringify } from 'csv-stringify';
import { IMPORT_ERRORS_COLLECTION, inspectCsv, type ImportService } from '../../features/imports/imports.service.ts';
import { validateMapping } from '../../features/imports/import-mapping.ts';
import type { Store } from '../../store/port.ts';
import { iterateInPages } from '../../store/iterate-in-pages.ts';
import { CompatError } from '../../core/errors/compat-error.ts';
import { proposeStructure, structureToMapping, validateStructure } from './import-structure.ts';
import {
  PERSONAS_IMPORTS,
  importProcessingError,
  readImportCsv,
  saveImportCsv,
  storedCsvParser,
  type PersonasImportDoc,
} from './personas-import-model.ts';
import type { CallerContext } from './ports.ts';

export type LlImportService = ReturnType<typeof createLlImportService>;

/** A processing import without progress for this long is taken as abandoned (its process died) and may restart. */
export const STALE_PROCESSING_MS = 10 * 60_000;
const MAX_DOC_ERRORS = 10_000;

const notFound = () => new CompatError('imports.import_not_found', 'No model found for PersonasImport');

export function createLlImportService({ store, imports }: { store: Store; imports: ImportService }) {
  const docs = store.collection<PersonasImportDoc>(PERSONAS_IMPORTS);
  const running = new Set<Promise<unknown>>();

  async function owned(organisation: ObjectId, id: ObjectId): Promise<PersonasImportDoc> {
    const doc = await docs.findOne({ _id: id, organisation });
    if (!doc) throw notFound();
    return doc;
  }

  async function finish(
    doc: PersonasImportDoc,
    runId: ObjectId,
    done: Promise<{ state: string; counts: { created: number; matched: number }; failure: string | null; processedRows: number }>,
    tempDir: string,
  ) {
    try {
      const run = await done;
      const importErrors: PersonasImportDoc['importErrors'] = [];
      for await (const entry of store
        .collection(IMPORT_ERRORS_COLLECTION)
        .iterate({ importId: runId, organisation: doc.organisation }, { sort: { importId: 1, row: 1 } })) {
        // The document keeps the first MAX_DOC_ERRORS (a MongoDB document is at most 16 MB); the error CSV has all.
        if (importErrors.length >= MAX_DOC_ERRORS) break;
        importErrors.push({ _id: new ObjectId(), row: entry.row as number, rowErrors: entry.errors as string[] });
      }
      // A run that failed as a whole (storage error) is reported, not retried forever: the import still ends.
      if (run.state === 'failed')
        importErrors.push({ _id: new ObjectId(), row: 0, rowErrors: [`import failed: ${run.failure ?? 'unknown error'}`] });
      const now = new Date();
      await docs.updateOne(
        { _id: doc._id, organisation: doc.organisation },
        {
          $set: {
            importStage: 'STAGE_IMPORTED',
            importedAt: now,
            updatedAt: now,
            processedCount: run.processedRows,
            importErrors,
            result: { created: run.counts.created, merged: run.counts.matched },
            csvErrorHandle: `personasCsvs/${doc._id.toHexString()}-error.csv`,
          },
          $inc: { __v: 1 },
        },
      );
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  }

  return {
    /** Stores the CSV (400 when empty or with duplicate headings), proposes a structure, stage CONFIGURE_FIELDS. */
    async upload(caller: CallerContext, id: ObjectId, filePath: string, fileName: string): Promise<PersonasImportDoc> {
      const doc = await owned(caller.organisation, id);
      if (doc.importStage === 'STAGE_PROCESSING') throw importProcessingError(id);
      let headers: string[];
      try {
        ({ headers } = await inspectCsv(filePath));
      } catch (error) {
        const message = (error as Error).message;
        const text = /duplicate column/.test(message)
          ? 'The CSV cannot contain duplicate headings.'
          : /no header row/.test(message)
            ? 'The CSV cannot be empty.'
            : `The CSV cannot be read: ${message}`;
        throw new CompatError('imports.malformed_csv', text, [{ path: 'file', code: 'imports.malformed_csv', message }]);
      }
      await saveImportCsv(store, caller.organisation, id, createReadStream(filePath));
      const earlier = await docs.find(
        { organisation: caller.organisation, _id: { $ne: id }, csvHeaders: { $exists: true } },
        { sort: { updatedAt: -1, _id: 1 } },
      );
      earlier.sort((a, b) => b.csvHeaders.length - a.csvHeaders.length);
      const now = new Date();
      const updated = await docs.findOneAndUpdate(
        { _id: id, organisation: caller.organisation },
        {
          $set: {
            importStage: 'STAGE_CONFIGURE_FIELDS',
            csvHeaders: headers,
            structure: proposeStructure(headers, earlier),
            updatedAt: now,
            title: doc.title || fileName,
            csvHandle: `personasCsvs/${id.toHexString()}.csv`,
            csvErrorHandle: `personasCsvs/${id.toHexString()}-error.csv`,
          },
          $inc: { __v: 1 },
        },
        { returnDocument: 'after' },
      );
      if (!updated) throw notFound();
      return updated;
    },

    /** Starts the import (409 while one runs); answers once the file is checked and the run recorded. */
    async start(caller: CallerContext, id: ObjectId): Promise<PersonasImportDoc> {
      const doc = await owned(caller.organisation, id);
      const staleBefore = new Date(Date.now() - STALE_PROCESSING_MS);
      if (doc.importStage === 'STAGE_PROCESSING' && doc.updatedAt > staleBefore) throw importProcessingError(id);
      if (doc.csvHeaders.length === 0)
        throw new CompatError('imports.file_required', 'Upload a CSV to this import before importing it', [
          { path: 'id', code: 'imports.file_required', message: 'no CSV uploaded' },
        ]);
      const { structure, problems } = validateStructure(doc.structure);
      const mapping = structure ? structureToMapping(structure) : null;
      const mapped = mapping ? validateMapping(mapping, doc.csvHeaders).problems : [];
      if (!structure || mapped.length > 0) {
        const details = [
          ...Object.entries(problems).map(([path, message]) => ({ path, code: 'imports.invalid_structure', message })),
          ...mapped.map((problem) => ({
            path: problem.path.replace(/^mapping\.columns/, 'structure'),
            code: 'imports.invalid_structure',
            message: problem.message,
          })),
        ];
        throw new CompatError(
          'imports.invalid_structure',
          `The structure is invalid: ${details.map((detail) => `${detail.path} ${detail.message}`).join('; ')}`,
          details,
        );
      }
      // The stage moves atomically: of two concurrent starts, one gets 409.
      const claimed = await docs.findOneAndUpdate(
        {
          _id: id,
          organisation: caller.organisation,
          $or: [{ importStage: { $ne: 'STAGE_PROCESSING' } }, { updatedAt: { $lt: staleBefore } }],
        },
        {
          $set: {
            importStage: 'STAGE_PROCESSING',
            processedCount: 0,
            importErrors: [],
            result: { created: 0, merged: 0 },
            updatedAt: new Date(),
          },
          $inc: { __v: 1 },
        },
        { returnDocument: 'after' },
      );
      if (!claimed) throw importProcessingError(id);
      const tempDir = await mkdtemp(join(tmpdir(), 'll-import-'));
      try {
        const filePath = join(tempDir, 'import.csv');
        await pipeline(Readable.from(readImportCsv(store, caller.organisation, id)), createWriteStream(filePath));
        const onProgress = (run: { processedRows: number }) => {
          void docs
            .updateOne(
              { _id: id, organisation: caller.organisation, importStage: 'STAGE_PROCESSING' },
              { $set: { processedCount: run.processedRows, updatedAt: new Date() } },
            )
            .catch(() => {});
        };
        const started = await imports.startImport(
          {
            organisation: caller.organisation,
            filePath,
            mapping: mapping!,
            title: doc.title,
            mergeConflicts: false,
            actor: caller.clientId,
          },
          onProgress,
        );
        const answer = await docs.findOneAndUpdate(
          { _id: id, organisation: caller.organisation },
          { $set: { totalCount: started.import.totalRows, resolverImportId: started.import._id } },
          { returnDocument: 'after' },
        );
        const finished = finish(claimed, started.import._id, started.done, tempDir);
        const settled = finished.catch(() => {}).finally(() => running.delete(settled));
        running.add(settled);
        return answer ?? claimed;
      } catch (error) {
        await rm(tempDir, { recursive: true, force: true });
        await docs.updateOne(
          { _id: id, organisation: caller.organisation },
          { $set: { importStage: 'STAGE_CONFIGURE_FIELDS', updatedAt: new Date() } },
        );
        throw error;
      }
    },

    /**
     * LL's error CSV: the original columns plus `errors` (a row's errors joined by ", ", empty otherwise); the original
     * CSV while the import has not been run. An unknown import is 404 (LL: 500).
     */
    async errorCsv(organisation: ObjectId, id: ObjectId): Promise<Readable> {
      const doc = await owned(organisation, id);
      const source = Readable.from(readImportCsv(store, organisation, id));
      if (doc.importStage !== 'STAGE_IMPORTED') return source;
      const failures = doc.resolverImportId
        ? // In pages, not one cursor: this one advances only as fast as the client downloads (MongoDB's idle timeout).
          iterateInPages(
            store.collection(IMPORT_ERRORS_COLLECTION),
            { importId: doc.resolverImportId, organisation },
            { sort: { importId: 1, row: 1 } },
          )[Symbol.asyncIterator]()
        : null;
      let pending = failures ? await failures.next() : null;
      let row = -1;
      const records = source.pipe(storedCsvParser());
      // Both sides are in row order: one pass, one error entry in memory at a time.
      async function* withErrors() {
        for await (const record of records as AsyncIterable<string[]>) {
          row += 1;
          if (row === 0) {
            yield [...record, 'errors'];
            continue;
          }
          while (pending && !pending.done && (pending.value.row as number) < row) pending = await failures!.next();
          const matches = pending && !pending.done && pending.value.row === row;
          yield [...record, matches ? (pending!.value.errors as string[]).join(', ') : ''];
        }
      }
      return Readable.from(withErrors()).pipe(stringify());
    },

    /** Waits for running imports (tests, shutdown). */
    async idle(): Promise<void> {
      await Promise.allSettled([...running]);
    },
  };
}
