// Erasure of Learning Locker's stored import CSVs (issue 6: after an erasure no API or export returns the erased
// identifiers). Every import CSV of the organisation is streamed once through erased-row-matcher.ts into a temp
// file; only when a row or cell was blanked is the stored copy replaced. A blanked row keeps its place (its cells
// empty, never an empty line, which parsers skip) so that the row numbers error rows are matched by do not shift.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectId } from 'bson';
import { stringify } from 'csv-stringify';
import type { Ifi } from '../../domain/model.ts';
import type { ErasureScrubber } from '../../features/erasure/erasure.service.ts';
import type { Store } from '../../store/port.ts';
import { erasedRowMatcher } from './erased-row-matcher.ts';
import { PERSONAS_IMPORTS, readImportCsv, saveImportCsv, storedCsvParser, type PersonasImportDoc } from './personas-import-model.ts';

/** A re-upload racing the scrub is scrubbed again; this many times, then the erasure fails (and can be retried). */
const MAX_ATTEMPTS = 5;

type ImportView = Pick<PersonasImportDoc, '_id' | 'organisation' | 'csvHeaders' | 'structure' | '__v'>;

export function createLlImportCsvScrubber(store: Store): ErasureScrubber {
  const docs = store.collection<PersonasImportDoc>(PERSONAS_IMPORTS);
  const view = (organisation: ObjectId, id: ObjectId) =>
    docs.findOne(
      { _id: id, organisation },
      { projection: { csvHeaders: 1, structure: 1, __v: 1, organisation: 1 } },
    ) as Promise<ImportView | null>;

  return async ({ organisation, ifis }) => {
    if (ifis.length === 0) return;
    // An organisation has few imports: their ids are read first so that no cursor stays open across the rewrites.
    const ids = (await docs.find({ organisation, 'csvHeaders.0': { $exists: true } }, { projection: { _id: 1 } })).map((doc) => doc._id);
    for (const id of ids) {
      for (let attempt = 1; ; attempt += 1) {
        const doc = await view(organisation, id);
        if (!doc) break;
        const scrubbed = await scrubbedCopy(store, doc, ifis);
        if (!scrubbed) break;
        try {
          // An upload bumps __v: written over a newer file, the scrub would lose it; the newer file is scrubbed instead.
          if ((await view(organisation, id))?.__v !== doc.__v) {
            if (attempt >= MAX_ATTEMPTS) throw new Error(`import ${id.toHexString()} kept changing while its CSV was scrubbed`);
            continue;
          }
          await saveImportCsv(store, organisation, id, createReadStream(scrubbed.file));
          break;
        } finally {
          await scrubbed.dispose();
        }
      }
    }
  };
}

/** The import's CSV with the erased rows and cells blanked, in a temp file; null when nothing had to change. */
async function scrubbedCopy(store: Store, doc: ImportView, ifis: Ifi[]): Promise<{ file: string; dispose(): Promise<void> } | null> {
  const match = erasedRowMatcher(ifis, doc.csvHeaders, doc.structure);
  const dir = await mkdtemp(join(tmpdir(), 'll-import-scrub-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const file = join(dir, 'import.csv');
  let changed = 0;
  let row = -1;
  try {
    await pipeline(
      Readable.from(readImportCsv(store, doc.organisation, doc._id)),
      // The error CSV's parser, so that both count the same rows.
      storedCsvParser(),
      async function* (records: AsyncIterable<string[]>) {
        for await (const record of records) {
          row += 1;
          const verdict = row === 0 ? { kind: 'keep' as const } : match(record);
          if (verdict.kind === 'keep') {
            yield record;
            continue;
          }
          changed += 1;
          yield verdict.kind === 'row'
            ? record.map(() => '')
            : record.map((cell, position) => (verdict.positions.includes(position) ? '' : cell));
        }
      },
      // One column: an empty cell must be written `""`, or the row would become an empty line and be skipped.
      stringify({ quoted_empty: doc.csvHeaders.length === 1 }),
      createWriteStream(file),
    );
  } catch (error) {
    await dispose();
    throw error;
  }
  if (changed === 0) {
    await dispose();
    return null;
  }
  return { file, dispose };
}
