// Personas: create (with identifiers and attributes in the same call), read with embeds, replace, merge-patch,
// delete (refused while identifiers are attached unless cascading), lists and lookups by identifier or user id.
// Every query is scoped by the caller's organisation; merge tombstones never appear in lists.
import { ObjectId } from 'bson';
import { COLLECTIONS, type AttributeDoc, type IdentifierDoc, type Ifi, type LinkDoc, type PersonaDoc } from '../../domain/model.ts';
import { canonicalIdentifierKey } from '../../domain/xapi/index.ts';
import type { Store } from '../../store/port.ts';
import { apiError } from '../../core/errors/api-error.ts';
import type { CursorCodec } from '../../core/list/cursor.ts';
import { listDigest } from '../../core/list/list-digest.ts';
import type { ListQuery } from '../../core/list/list-query.ts';
import { countInScope, findPage, type Page } from '../../core/list/paginate.ts';
import type { AttributesService, AttributeValue } from '../attributes/attributes.service.ts';
import type { Caller } from '../../core/caller.ts';
import type { IdentifiersService } from '../identifiers/identifiers.service.ts';
import type { LinksService } from '../links/links.service.ts';
import { recordNames, seenNamesOf } from '../names/persona-names.ts';
import { createSearchRefresher } from '../search/search-index.ts';
import { searchPage } from '../search/search-page.ts';
import { termsOf } from '../search/search-tokens.ts';
import { personaListFilter } from './persona-filters.ts';
import { personaNotFound, readPersona, writablePersona } from './persona-guard.ts';
import type { PersonaEmbeds } from './persona-view.ts';
import { PERSONA_SORT_INDEXES } from './personas.schemas.ts';
import { createPersonaUsers, type PersonaUsers } from './persona-users.ts';

export interface PersonaFields {
  name: string;
  profile?: Record<string, unknown>;
  active?: boolean;
  metadata?: Record<string, unknown>;
}

export interface PersonaCreateInput extends PersonaFields {
  identifiers?: Ifi[];
  attributes?: Record<string, AttributeValue>;
}

export interface PersonaPatch {
  name?: string;
  profile?: Record<string, unknown> | null;
  active?: boolean;
  metadata?: Record<string, unknown> | null;
}

export type EmbedName = 'identifiers' | 'attributes' | 'links';
export const ALL_EMBEDS: EmbedName[] = ['identifiers', 'attributes', 'links'];

export interface PersonaWithEmbeds {
  persona: PersonaDoc;
  embeds: PersonaEmbeds;
}

export interface PersonasService extends PersonaUsers {
  list(caller: Caller, query: ListQuery): Promise<Page<PersonaDoc> & { embeds: Map<string, PersonaEmbeds> }>;
  count(caller: Caller, query: ListQuery): Promise<number>;
  /** 404 when missing, 308 (ApiError personas.persona_merged with Location) for a tombstone. */
  get(caller: Caller, id: ObjectId): Promise<PersonaWithEmbeds>;
  create(caller: Caller, input: PersonaCreateInput): Promise<PersonaWithEmbeds>;
  replace(caller: Caller, id: ObjectId, fields: PersonaFields): Promise<PersonaDoc>;
  patch(caller: Caller, id: ObjectId, patch: PersonaPatch): Promise<PersonaDoc>;
  remove(caller: Caller, id: ObjectId, options?: { cascade?: boolean }): Promise<void>;
  /** The persona owning an identifier (its live persona), with embeds; 404 when the identifier is unknown. */
  byIdentifier(caller: Caller, ifi: Ifi): Promise<PersonaWithEmbeds>;
}

export interface PersonasDependencies {
  store: Store;
  cursors: CursorCodec;
  identifiers: IdentifiersService;
  attributes: AttributesService;
  links: LinksService;
  /** homePage assumed by /v1/personas/by-user?userId= when the request names none. */
  defaultHomePage?: string;
  /** Called after a replace or patch changed a persona's name (statement write-back refreshes `person.display`). */
  onRenamed?: (persona: PersonaDoc) => Promise<void>;
}

function group<T>(rows: T[], personaOf: (row: T) => ObjectId): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const row of rows) {
    const key = personaOf(row).toHexString();
    const rows = grouped.get(key);
    if (rows) rows.push(row);
    else grouped.set(key, [row]);
  }
  return grouped;
}

export function createPersonasService(dependencies: PersonasDependencies): PersonasService {
  const { store, cursors, identifiers, attributes, links } = dependencies;
  const personas = store.collection<PersonaDoc>(COLLECTIONS.personas);
  const refreshSearch = createSearchRefresher(store);
  const liveScope = (caller: Caller) => ({ organisation: caller.organisation, mergedInto: { $exists: false } });

  async function embedsOf(caller: Caller, ids: ObjectId[], include: readonly EmbedName[]): Promise<Map<string, PersonaEmbeds>> {
    const [identifierRows, attributeRows, linkRows] = await Promise.all([
      include.includes('identifiers') ? identifiers.listOfPersonas(caller, ids) : null,
      include.includes('attributes') ? attributes.listOfPersonas(caller, ids) : null,
      include.includes('links') ? links.listOfPersonas(caller, ids) : null,
    ]);
    const byIdentifier = identifierRows && group<IdentifierDoc>(identifierRows, (row) => row.persona);
    const byAttribute = attributeRows && group<AttributeDoc>(attributeRows, (row) => row.personaId);
    const byLink = linkRows && group<LinkDoc>(linkRows, (row) => row.persona);
    return new Map(
      ids.map((id) => {
        const key = id.toHexString();
        return [
          key,
          {
            ...(byIdentifier ? { identifiers: byIdentifier.get(key) ?? [] } : {}),
            ...(byAttribute ? { attributes: byAttribute.get(key) ?? [] } : {}),
            ...(byLink ? { links: byLink.get(key) ?? [] } : {}),
          },
        ];
      }),
    );
  }

  async function withEmbeds(caller: Caller, persona: PersonaDoc): Promise<PersonaWithEmbeds> {
    const [embeds, names] = await Promise.all([
      embedsOf(caller, [persona._id], ALL_EMBEDS),
      seenNamesOf(store, caller.organisation, persona._id),
    ]);
    return { persona, embeds: { ...embeds.get(persona._id.toHexString())!, names } };
  }

  /** `before`: the persona as the caller already read it with writablePersona (read here otherwise). */
  async function update(caller: Caller, id: ObjectId, set: Record<string, unknown>, before?: PersonaDoc): Promise<PersonaDoc> {
    before ??= await writablePersona(store, caller.organisation, id);
    const now = new Date();
    const isRenamed = typeof set.name === 'string' && set.name !== before.name;
    // A rename through the API pins the name: the organisation's name policy no longer changes it.
    const pin = isRenamed ? { namePinned: true } : {};
    const updated = await personas.findOneAndUpdate(
      { _id: id, organisation: caller.organisation, mergedInto: { $exists: false } },
      { $set: { ...set, ...pin, updatedAt: now, updatedBy: caller.clientId } },
      { returnDocument: 'after' },
    );
    if (!updated) throw personaNotFound(id);
    if (isRenamed) {
      await recordNames(store, caller.organisation, [{ persona: id, name: set.name as string, count: 1, seenAt: now }]);
      if (dependencies.onRenamed) await dependencies.onRenamed(updated);
    }
    return updated;
  }

  const service: PersonasService = {
    async list(caller, query) {
      const terms = query.search ? termsOf(query.search) : null;
      if (terms) await refreshSearch(caller.organisation);
      const digest = listDigest('personas', caller.organisation, query);
      const isMatchOrder = terms !== null && !query.isSortGiven && !query.stack;
      const filter = await personaListFilter(store, caller.organisation, isMatchOrder ? { ...query, search: null } : query);
      const isJoined = query.conditions.some((condition) => !condition.spec.path);
      const page = isMatchOrder
        ? await searchPage({ store, scope: liveScope(caller), filter, query, terms, codec: cursors, digest: `${digest}:match` })
        : await findPage({
            collection: personas,
            scope: liveScope(caller),
            filter,
            query,
            codec: cursors,
            digest,
            sortIndexes: isJoined ? [] : [...PERSONA_SORT_INDEXES],
          });
      const include = query.include as EmbedName[];
      const embeds = include.length
        ? await embedsOf(
            caller,
            page.items.map((persona) => persona._id),
            include,
          )
        : new Map();
      return { ...page, embeds };
    },
    async count(caller, query) {
      if (query.search && termsOf(query.search)) await refreshSearch(caller.organisation);
      const filter = await personaListFilter(store, caller.organisation, query);
      return countInScope(personas, liveScope(caller), filter);
    },
    async get(caller, id) {
      return withEmbeds(caller, await readPersona(store, caller.organisation, id));
    },
    async create(caller, input) {
      const now = new Date();
      const persona: PersonaDoc = {
        _id: new ObjectId(),
        organisation: caller.organisation,
        name: input.name,
        profile: input.profile ?? {},
        active: input.active ?? true,
        metadata: input.metadata ?? {},
        createdAt: now,
        updatedAt: now,
        createdBy: caller.clientId,
        updatedBy: caller.clientId,
      };
      const ifis = input.identifiers ?? [];
      // Checked before the persona exists so a refused create leaves nothing behind; attach() re-checks atomically.
      if (ifis.length > 0) await identifiers.assertUnassigned(caller, ifis);
      await personas.insertOne(persona);
      let attached: IdentifierDoc[];
      try {
        attached = ifis.length ? await identifiers.attach(caller, persona._id, ifis) : [];
      } catch (error) {
        await personas.deleteOne({ _id: persona._id, organisation: caller.organisation });
        throw error;
      }
      const written = input.attributes ? await attributes.putMany(caller, persona._id, input.attributes) : [];
      await recordNames(store, caller.organisation, [{ persona: persona._id, name: input.name, count: 1, seenAt: now }]);
      const names = [{ name: input.name, count: 1, firstSeen: now, lastSeen: now }];
      return { persona, embeds: { identifiers: attached, attributes: written, links: [], names } };
    },
    replace(caller, id, fields) {
      return update(caller, id, {
        name: fields.name,
        profile: fields.profile ?? {},
        active: fields.active ?? true,
        metadata: fields.metadata ?? {},
      });
    },
    async patch(caller, id, patch) {
      const current = await writablePersona(store, caller.organisation, id);
      const set: Record<string, unknown> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.active !== undefined) set.active = patch.active;
      for (const field of ['profile', 'metadata'] as const) {
        const value = patch[field];
        if (value === undefined) continue;
        set[field] = value === null ? {} : mergePatch(current[field] ?? {}, value);
      }
      return update(caller, id, set, current);
    },
    async remove(caller, id, options = {}) {
      await writablePersona(store, caller.organisation, id);
      const count = await identifiers.countOfPersona(caller, id);
      if (count > 0 && !options.cascade) throw apiError('personas.persona_has_identifiers', { id: id.toHexString(), count });
      if (count > 0) await identifiers.removeAllOfPersona(caller, id);
      await attributes.removeAllOfPersona(caller, id);
      await links.removeAllOfPersona(caller, id);
      const { deletedCount } = await personas.deleteOne({ _id: id, organisation: caller.organisation });
      if (deletedCount === 0) throw personaNotFound(id);
    },
    async byIdentifier(caller, ifi) {
      const identifier = await identifiers.findByIfi(caller, ifi);
      if (!identifier) throw apiError('personas.persona_not_found', { id: `with identifier ${canonicalIdentifierKey(ifi)}` });
      const persona = await personas.findOne({ _id: identifier.persona, organisation: caller.organisation });
      if (!persona) throw personaNotFound(identifier.persona);
      return withEmbeds(caller, persona.mergedInto ? await readPersona(store, caller.organisation, persona.mergedInto) : persona);
    },
    ...createPersonaUsers({
      store,
      identifiers,
      defaultHomePage: dependencies.defaultHomePage,
      create: (caller, input) => service.create(caller, input),
      replace: (caller, id, fields) => service.replace(caller, id, fields),
      withEmbeds,
    }),
  };
  return service;
}

/** RFC 7396 JSON merge patch of one object: null deletes a key, objects merge recursively, anything else replaces. */
export function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (typeof value === 'object' && !Array.isArray(value)) {
      const current = result[key];
      result[key] = mergePatch(
        current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {},
        value as Record<string, unknown>,
      );
    } else result[key] = value;
  }
  return result;
}
