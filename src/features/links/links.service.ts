// Persona links: unique per (persona, recTypeName, recId) by a unique index, so a duplicate is a 409 even under
// concurrent requests. Links belong to a live persona of the caller's organisation.
import { ObjectId } from 'bson';
import { COLLECTIONS, type LinkDoc } from '../../domain/model.ts';
import { isDuplicateKeyError, type Store } from '../../store/port.ts';
import { apiError } from '../../core/errors/api-error.ts';
import { conditionsFilter, oneOrAny } from '../../core/list/condition-filter.ts';
import type { CursorCodec } from '../../core/list/cursor.ts';
import { listDigest } from '../../core/list/list-digest.ts';
import type { ListQuery } from '../../core/list/list-query.ts';
import { countInScope, findPage, type Page } from '../../core/list/paginate.ts';
import type { Caller } from '../../core/caller.ts';
import { writablePersona } from '../personas/persona-guard.ts';

export interface LinkInput {
  persona: ObjectId;
  recTypeName: string;
  recId: string;
  metadata?: Record<string, unknown>;
  active?: boolean;
}

export type LinkChanges = Partial<Omit<LinkInput, 'persona'>>;

export interface LinksService {
  list(caller: Caller, query: ListQuery): Promise<Page<LinkDoc>>;
  count(caller: Caller, query: ListQuery): Promise<number>;
  get(caller: Caller, id: ObjectId): Promise<LinkDoc>;
  listOfPersonas(caller: Caller, personaIds: ObjectId[]): Promise<LinkDoc[]>;
  create(caller: Caller, input: LinkInput): Promise<LinkDoc>;
  update(caller: Caller, id: ObjectId, changes: LinkChanges): Promise<LinkDoc>;
  remove(caller: Caller, id: ObjectId): Promise<void>;
  removeAllOfPersona(caller: Caller, personaId: ObjectId): Promise<number>;
}

export function createLinksService({ store, cursors }: { store: Store; cursors: CursorCodec }): LinksService {
  const links = store.collection<LinkDoc>(COLLECTIONS.links);
  const notFound = (id: ObjectId) => apiError('links.link_not_found', { id: id.toHexString() });
  const exists = (link: Pick<LinkDoc, 'persona' | 'recTypeName' | 'recId'>) =>
    apiError('links.link_exists', { persona: link.persona.toHexString(), recTypeName: link.recTypeName, recId: link.recId });

  async function get(caller: Caller, id: ObjectId): Promise<LinkDoc> {
    const link = await links.findOne({ _id: id, organisation: caller.organisation });
    if (!link) throw notFound(id);
    return link;
  }

  return {
    list(caller, query) {
      return findPage({
        collection: links,
        scope: { organisation: caller.organisation },
        filter: conditionsFilter(query.conditions),
        query,
        codec: cursors,
        digest: listDigest('links', caller.organisation, query),
        sortIndexes: [{ createdAt: 1, _id: 1 }],
      });
    },
    count(caller, query) {
      return countInScope(links, { organisation: caller.organisation }, conditionsFilter(query.conditions));
    },
    get,
    listOfPersonas(caller, personaIds) {
      if (personaIds.length === 0) return Promise.resolve([]);
      return links.find({ organisation: caller.organisation, persona: oneOrAny(personaIds) }, { sort: { createdAt: 1, _id: 1 } });
    },
    async create(caller, input) {
      await writablePersona(store, caller.organisation, input.persona);
      const now = new Date();
      const link: LinkDoc = {
        _id: new ObjectId(),
        organisation: caller.organisation,
        persona: input.persona,
        recTypeName: input.recTypeName,
        recId: input.recId,
        metadata: input.metadata ?? {},
        active: input.active ?? true,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await links.insertOne(link);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw exists(link);
        throw error;
      }
      return link;
    },
    async update(caller, id, changes) {
      const current = await get(caller, id);
      const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      try {
        const updated = await links.findOneAndUpdate(
          { _id: id, organisation: caller.organisation },
          { $set: { ...set, updatedAt: new Date() } },
          { returnDocument: 'after' },
        );
        if (!updated) throw notFound(id);
        return updated;
      } catch (error) {
        if (isDuplicateKeyError(error)) throw exists({ ...current, ...set });
        throw error;
      }
    },
    async remove(caller, id) {
      const { deletedCount } = await links.deleteOne({ _id: id, organisation: caller.organisation });
      if (deletedCount === 0) throw notFound(id);
    },
    async removeAllOfPersona(caller, personaId) {
      return (await links.deleteMany({ organisation: caller.organisation, persona: personaId })).deletedCount;
    },
  };
}
