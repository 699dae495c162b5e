// Statement write-back (Learning Locker's `person` and `personaIdentifier` stamps, see features/write-back/) kept
// true through identity changes. A merge re-points statements stamped with a source (or an older tombstone it
// carried) to the target; an undo re-points statements of each source's identifiers back to it; an erasure removes
// the stamps of the erased personas. Each is one updateMany by filter on the (organisation, person._id) index:
// server-side bulk work, never a loop over statements. Ingest-path stamping and back-fills stay the queue's.
import { ObjectId } from 'bson';
import type { Collection, Store } from '../../store/port.ts';
import { personaDisplays } from '../write-back/statement-stamping.ts';
import type { WriteBackPerson } from '../pseudonyms/pseudonym-displays.ts';
import { readMovesOf } from './merge-moves.ts';
import type { MergeRecordDoc } from './merge-record.ts';

/** Identifier ids per updateMany on undo (an `$in` list, on top of the person index). */
const UNDO_CHUNK = 1000;

export interface IdentityWriteBack {
  afterMergeChange(record: MergeRecordDoc): Promise<void>;
  afterErase(erased: { organisation: ObjectId; personaIds: ObjectId[]; identifierIds: ObjectId[] }): Promise<void>;
}

export function createIdentityWriteBack({
  store,
  statements,
  person,
}: {
  store: Store;
  statements: Collection;
  person?: WriteBackPerson;
}): IdentityWriteBack {
  async function displayOf(organisation: ObjectId, id: ObjectId): Promise<string | null> {
    return (await personaDisplays(store, organisation, [id.toHexString()], person)).get(id.toHexString()) ?? null;
  }

  return {
    async afterMergeChange(record) {
      const { organisation, target } = record;
      if (record.state === 'applied') {
        const { tombstones } = await readMovesOf(store, record, ['tombstones']);
        const from = [...record.sources, ...tombstones.map((entry) => entry._id)];
        await statements.updateMany(
          { organisation, 'person._id': { $in: from } },
          { $set: { 'person._id': target, 'person.display': await displayOf(organisation, target) } },
        );
      } else if (record.state === 'undone') {
        const { identifiers } = await readMovesOf(store, record, ['identifiers']);
        for (const source of record.sources) {
          const ids = identifiers.filter((entry) => entry.source.equals(source)).map((entry) => entry._id);
          const display = await displayOf(organisation, source);
          for (let start = 0; start < ids.length; start += UNDO_CHUNK) {
            await statements.updateMany(
              { organisation, 'person._id': target, personaIdentifier: { $in: ids.slice(start, start + UNDO_CHUNK) } },
              { $set: { 'person._id': source, 'person.display': display } },
            );
          }
        }
      }
    },

    async afterErase({ organisation, personaIds }) {
      // Statements are stamped with the live persona, so the persona filter finds every stamp of the erased ones.
      await statements.updateMany({ organisation, 'person._id': { $in: personaIds } }, { $unset: { person: '', personaIdentifier: '' } });
    },
  };
}
