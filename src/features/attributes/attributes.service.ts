// Persona attributes: key/value facts, one value per (persona, key). Writes need a live persona of the caller's
// organisation; reads across personas are organisation-scoped lists.
import { ObjectId } from 'bson';
import type { AttributeValue } from '../../domain/attribute-value.ts';
import { COLLECTIONS, type AttributeDoc } from '../../domain/model.ts';
import { upsertRetryingDuplicateKey, type Store } from '../../store/port.ts';
import { apiError, detail } from '../../core/errors/api-error.ts';
import { conditionsFilter, oneOrAny } from '../../core/list/condition-filter.ts';
import type { CursorCodec } from '../../core/list/cursor.ts';
import { listDigest } from '../../core/list/list-digest.ts';
import type { ListQuery } from '../../core/list/list-query.ts';
import { countInScope, findPage, type Page } from '../../core/list/paginate.ts';
import type { Caller } from '../../core/caller.ts';
import { readPersona, writablePersona } from '../personas/persona-guard.ts';
import { attributeValueProblem } from '../../domain/attribute-value.ts';
import { AttributeKeySchema } from './attributes.schemas.ts';

export type { AttributeValue } from '../../domain/attribute-value.ts';

export interface AttributePatch {
  personaId?: ObjectId;
  key?: string;
  value?: AttributeValue;
}

export interface AttributesService {
  listOfPersona(caller: Caller, personaId: ObjectId): Promise<AttributeDoc[]>;
  listOfPersonas(caller: Caller, personaIds: ObjectId[]): Promise<AttributeDoc[]>;
  put(caller: Caller, personaId: ObjectId, key: string, value: AttributeValue): Promise<{ attribute: AttributeDoc; wasCreated: boolean }>;
  /** Sets several attributes of a persona the caller just checked or created. */
  putMany(caller: Caller, personaId: ObjectId, values: Record<string, AttributeValue>): Promise<AttributeDoc[]>;
  /**
   * Changes an attribute in place, found by id (LL's ERM update): it keeps its `_id` and `createdAt` when its key or
   * persona changes. Null when no such attribute is in the caller's organisation.
   */
  update(caller: Caller, id: ObjectId, patch: AttributePatch): Promise<AttributeDoc | null>;
  remove(caller: Caller, personaId: ObjectId, key: string): Promise<void>;
  removeAllOfPersona(caller: Caller, personaId: ObjectId): Promise<number>;
  search(caller: Caller, query: ListQuery): Promise<Page<AttributeDoc>>;
  count(caller: Caller, query: ListQuery): Promise<number>;
}

/**
 * The same key and value rules on every surface that writes attributes (/v1 validates them first with the same
 * schemas; the LL routes, uploadpersona and CSV imports rely on this check): 422 attributes.invalid_key / invalid_value.
 */
function assertStorableAttribute(key: string, value: unknown): void {
  if (!AttributeKeySchema.safeParse(key).success) {
    throw apiError('attributes.invalid_key', {}, [detail('key', 'attributes.invalid_key')]);
  }
  const problem = value === undefined || value === null ? 'is required and not null' : attributeValueProblem(value);
  if (problem) throw apiError('attributes.invalid_value', { reason: problem }, [detail('value', 'attributes.invalid_value')]);
}

export function createAttributesService({ store, cursors }: { store: Store; cursors: CursorCodec }): AttributesService {
  const attributes = store.collection<AttributeDoc>(COLLECTIONS.attributes);

  // The unique (organisation, personaId, key) index makes concurrent upserts of one key end in one document (MongoDB
  // does not serialise upserts without it); the loser of that race retries and updates the winner's document.
  async function upsert(caller: Caller, personaId: ObjectId, key: string, value: AttributeValue) {
    assertStorableAttribute(key, value);
    const now = new Date();
    const filter = { organisation: caller.organisation, personaId, key };
    const before = await upsertRetryingDuplicateKey(() =>
      attributes.findOneAndUpdate(
        filter,
        { $set: { value, updatedAt: now }, $setOnInsert: { createdAt: now } },
        { upsert: true, returnDocument: 'before' },
      ),
    );
    const attribute = before ? { ...before, value, updatedAt: now } : await attributes.findOne(filter);
    return { attribute: attribute!, wasCreated: before === null };
  }

  return {
    async listOfPersona(caller, personaId) {
      await readPersona(store, caller.organisation, personaId);
      return attributes.find({ organisation: caller.organisation, personaId }, { sort: { key: 1, _id: 1 } });
    },
    listOfPersonas(caller, personaIds) {
      if (personaIds.length === 0) return Promise.resolve([]);
      return attributes.find({ organisation: caller.organisation, personaId: oneOrAny(personaIds) }, { sort: { key: 1, _id: 1 } });
    },
    async put(caller, personaId, key, value) {
      await writablePersona(store, caller.organisation, personaId);
      return upsert(caller, personaId, key, value);
    },
    async putMany(caller, personaId, values) {
      const written: AttributeDoc[] = [];
      for (const [key, value] of Object.entries(values)) written.push((await upsert(caller, personaId, key, value)).attribute);
      return written;
    },
    async update(caller, id, patch) {
      const current = await attributes.findOne({ _id: id, organisation: caller.organisation });
      if (!current) return null;
      const personaId = patch.personaId ?? current.personaId;
      const key = patch.key ?? current.key;
      const value = patch.value === undefined ? current.value : patch.value;
      assertStorableAttribute(key, value);
      await writablePersona(store, caller.organisation, personaId);
      if (!personaId.equals(current.personaId) || key !== current.key) {
        // One value per (persona, key): the fact moved here replaces the one the persona held under that key.
        await attributes.deleteMany({ organisation: caller.organisation, personaId, key, _id: { $ne: id } });
      }
      await attributes.updateOne(
        { _id: id, organisation: caller.organisation },
        { $set: { personaId, key, value, updatedAt: new Date() } },
      );
      return attributes.findOne({ _id: id, organisation: caller.organisation });
    },
    async remove(caller, personaId, key) {
      await writablePersona(store, caller.organisation, personaId);
      const { deletedCount } = await attributes.deleteMany({ organisation: caller.organisation, personaId, key });
      if (deletedCount === 0) throw apiError('attributes.attribute_not_found', { id: personaId.toHexString(), key });
    },
    async removeAllOfPersona(caller, personaId) {
      return (await attributes.deleteMany({ organisation: caller.organisation, personaId })).deletedCount;
    },
    search(caller, query) {
      return findPage({
        collection: attributes,
        scope: { organisation: caller.organisation },
        filter: conditionsFilter(query.conditions),
        query,
        codec: cursors,
        digest: listDigest('attributes', caller.organisation, query),
        sortIndexes: [{ key: 1, _id: 1 }],
      });
    },
    count(caller, query) {
      return countInScope(attributes, { organisation: caller.organisation }, conditionsFilter(query.conditions));
    },
  };
}
