// Which of several copies of one attribute (organisation, personaId, key) wins: the newest (updatedAt, else createdAt,
// else the ObjectId's time; ties go to the larger _id, as ObjectIds of one process grow). Shared by `persona migrate`
// (removing Learning Locker's duplicates before the unique index) and `persona doctor --repair`.
import type { ObjectId } from 'bson';
import type { Document } from '../../store/port.ts';

const ageOf = (doc: Document): number => ((doc.updatedAt ?? doc.createdAt ?? (doc._id as ObjectId).getTimestamp()) as Date).getTime();

/** The newest of a group: latest time, then the larger _id. */
export function newestOf(group: Document[]): Document {
  return group.reduce((best, doc) => {
    const byAge = ageOf(doc) - ageOf(best);
    return byAge > 0 || (byAge === 0 && String(doc._id) > String(best._id)) ? doc : best;
  });
}
