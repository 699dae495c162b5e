// Learning Locker's import models (compat spec 1.4): PersonasImport and PersonasImportTemplate documents in LL's own
// collections, their ERM-writable fields (the rest is the import's state, written only by the import routes), and
// the uploaded CSV, kept in the store in chunks so that any API process can run the import it was uploaded to.
import { ObjectId } from 'bson';
import { parse, type Parser } from 'csv-parse';
import type { Store } from '../../store/port.ts';
import type { IndexDefinition } from '../../store/indexes.ts';
import { CompatError } from '../../core/errors/compat-error.ts';

export const PERSONAS_IMPORTS = 'personasImports';
export const PERSONAS_IMPORT_TEMPLATES = 'personasImportTemplates';
export const PERSONAS_IMPORT_FILES = 'personasImportFiles';

export const STAGES = ['STAGE_UPLOAD', 'STAGE_CONFIGURE_FIELDS', 'STAGE_PROCESSING', 'STAGE_IMPORTED'] as const;
export type ImportStage = (typeof STAGES)[number];

/** LL's default `importedAt`: the largest JS date, meaning "not yet". */
export const NOT_YET_IMPORTED = new Date(8_640_000_000_000_000);

export interface StructureColumn {
  columnName: string;
  columnType: string;
  relatedColumn: string | null;
  primary: number | null;
  attributeName?: string;
  useConstant?: boolean;
  constant?: string;
}

export interface PersonasImportDoc {
  _id: ObjectId;
  organisation: ObjectId;
  title: string;
  owner?: ObjectId | null;
  csvHandle?: string;
  csvErrorHandle?: string;
  importStage: ImportStage;
  totalCount?: number;
  processedCount: number;
  csvHeaders: string[];
  importedAt: Date;
  importErrors: Array<{ _id: ObjectId; row: number; rowErrors: string[] }>;
  result: { created: number; merged: number };
  structure: Record<string, StructureColumn>;
  /** Our import run (collection personaImports) whose rows and errors this import reports. */
  resolverImportId?: ObjectId;
  createdAt: Date;
  updatedAt: Date;
  __v: number;
}

export const LL_IMPORT_INDEXES: IndexDefinition[] = [
  { collection: PERSONAS_IMPORTS, keys: { organisation: 1, updatedAt: -1, _id: 1 } },
  { collection: PERSONAS_IMPORTS, keys: { organisation: 1, _id: 1 } },
  { collection: PERSONAS_IMPORT_TEMPLATES, keys: { organisation: 1, _id: 1 } },
  { collection: PERSONAS_IMPORT_FILES, keys: { importId: 1, seq: 1 } },
];

export function newPersonasImport(organisation: ObjectId, title: string): PersonasImportDoc {
  const now = new Date();
  return {
    _id: new ObjectId(),
    organisation,
    title,
    importStage: 'STAGE_UPLOAD',
    processedCount: 0,
    csvHeaders: [],
    importedAt: NOT_YET_IMPORTED,
    importErrors: [],
    result: { created: 0, merged: 0 },
    structure: {},
    createdAt: now,
    updatedAt: now,
    __v: 0,
  };
}

/** The JSON clients see: LL's fields (our run id stays internal). */
export function personasImportJson(doc: PersonasImportDoc): Record<string, unknown> {
  const { resolverImportId: _run, ...visible } = doc;
  return visible;
}

const CHUNK_BYTES = 512 * 1024;

/** Stores (replacing) the CSV of an import, in base64 chunks (the store keeps strings everywhere). */
export async function saveImportCsv(
  store: Store,
  organisation: ObjectId,
  importId: ObjectId,
  chunks: AsyncIterable<Buffer>,
): Promise<void> {
  const files = store.collection(PERSONAS_IMPORT_FILES);
  await files.deleteMany({ organisation, importId });
  let seq = 0;
  let pending = Buffer.alloc(0);
  const write = async (data: Buffer) => {
    await files.insertOne({ organisation, importId, seq: seq++, data: data.toString('base64') });
  };
  for await (const chunk of chunks) {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= CHUNK_BYTES) {
      await write(pending.subarray(0, CHUNK_BYTES));
      pending = pending.subarray(CHUNK_BYTES);
    }
  }
  if (pending.length > 0 || seq === 0) await write(pending);
}

/** The stored CSV as a byte stream, chunk by chunk (one chunk in memory at a time). */
export async function* readImportCsv(store: Store, organisation: ObjectId, importId: ObjectId): AsyncGenerator<Buffer> {
  for await (const chunk of store
    .collection(PERSONAS_IMPORT_FILES)
    .iterate({ organisation, importId }, { sort: { importId: 1, seq: 1 } })) {
    yield Buffer.from(chunk.data as string, 'base64');
  }
}

/**
 * The parser of a stored CSV for every reader that numbers its rows (the error CSV, the erasure scrub): one set of
 * options, so that all of them count the same rows.
 */
export function storedCsvParser(): Parser {
  return parse({ bom: true, skip_empty_lines: true, relax_column_count: true });
}

/** LL's 409 (sic) for an import whose stage forbids the operation (a run in progress). */
export function importProcessingError(id: ObjectId): CompatError {
  return new CompatError('imports.import_processing', `personasImport - ${id.toHexString()} cannot be processed in it's current state.`);
}

export async function deleteImportCsv(store: Store, organisation: ObjectId, importId: ObjectId): Promise<void> {
  await store.collection(PERSONAS_IMPORT_FILES).deleteMany({ organisation, importId });
}
