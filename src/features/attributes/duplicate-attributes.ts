// The walk that finds duplicate attributes (several documents for one organisation, persona and key; Learning
// Locker wrote them under concurrent writes, its defect 32): attributes in (organisation, personaId, key) order, so
// the copies of one key are adjacent and memory holds one group at a time. `persona migrate` removes them before it
// builds the unique index, `persona doctor` reports (and with --repair removes) them; both keep the newest.
import type { Collection, Document, IndexKeys } from '../../store/port.ts';
import { newestOf } from './newest-attribute.ts';

export const ATTRIBUTE_KEYS: IndexKeys = { organisation: 1, personaId: 1, key: 1 };

export interface DuplicateAttributeGroup {
  kept: Document;
  /** The older copies, in walk order. */
  removed: Document[];
}

const slotOf = (doc: Document) => `${String(doc.organisation)}\u0000${String(doc.personaId)}\u0000${String(doc.key)}`;

/** Each group of two or more attributes with one (organisation, personaId, key), with the copy that is kept. */
export async function* duplicateAttributeGroups(attributes: Collection, batchSize = 1000): AsyncGenerator<DuplicateAttributeGroup> {
  const projection = { organisation: 1, personaId: 1, key: 1, createdAt: 1, updatedAt: 1 } as const;
  let group: Document[] = [];
  const closed = (): DuplicateAttributeGroup | null => {
    if (group.length < 2) return null;
    const kept = newestOf(group);
    return { kept, removed: group.filter((doc) => doc !== kept) };
  };
  for await (const doc of attributes.iterate({}, { sort: ATTRIBUTE_KEYS, projection, batchSize })) {
    if (group.length > 0 && slotOf(group[0]) !== slotOf(doc)) {
      const duplicates = closed();
      if (duplicates) yield duplicates;
      group = [];
    }
    group.push(doc);
  }
  const duplicates = closed();
  if (duplicates) yield duplicates;
}
