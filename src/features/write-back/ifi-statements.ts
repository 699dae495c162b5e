// Whether Learning Locker's statements collection holds a statement of the organisation whose actor has an IFI
// (compat spec 2.2's actor filter). Learning Locker refuses to delete an identifier while one exists (spec 3.4):
// those statements are stamped with it, and the next one would resolve to a new identifier and a new persona.
// One indexed lookup: the back-fill index of the IFI's key (organisation + actor fields) answers it.
import type { ObjectId } from 'bson';
import type { Ifi } from '../../domain/model.ts';
import type { Collection, Filter } from '../../store/port.ts';
import { actorFilter } from './actor-filter.ts';

export type IfiHasStatements = (organisation: ObjectId, ifi: Ifi) => Promise<boolean>;

/** The filter the check runs (exported for tests that look at its query plan). */
export function ifiStatementsFilter(organisation: ObjectId, ifi: Ifi): Filter {
  return { organisation, ...actorFilter(ifi).filter };
}

export function createIfiHasStatements(statements: Collection): IfiHasStatements {
  return async (organisation, ifi) =>
    (await statements.findOne(ifiStatementsFilter(organisation, ifi), { projection: { _id: 1 } })) !== null;
}
