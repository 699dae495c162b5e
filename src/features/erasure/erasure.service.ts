// GDPR export and erasure of one persona. Export gathers everything stored about the persona into one document.
// Erasure removes the persona and everything that identifies it — identifiers, email claims, attributes, links, names,
// the pseudonym mapping,
// older tombstones that were merged into it, its duplicate-index entries and dismissals, the identifying parts of its
// merge records, failing import rows that name its identifiers — and writes an audit entry that says an erasure
// happened without saying what was erased. Claims go first so that a concurrent resolver stops proposing this
// persona for new email identifiers. Copies of the identifiers kept by other surfaces (Learning Locker's stored
// import CSVs) are scrubbed by the scrubbers the composition root registers, before anything is deleted: a scrubber
// that fails leaves the persona in place, so the erasure can be retried (after the deletes there is nothing left to
// name what must be scrubbed).
import type { ObjectId } from 'bson';
import {
  COLLECTIONS,
  type AttributeDoc,
  type EmailClaimDoc,
  type Ifi,
  type IdentifierDoc,
  type LinkDoc,
  type PersonaDoc,
} from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { DUPLICATE_KEYS_COLLECTION, LEGACY_DUPLICATE_KEYS_COLLECTION } from '../duplicates/duplicate-keys.ts';
import { DUPLICATE_PAIRS_COLLECTION } from '../duplicates/duplicate-pairs.ts';
import { claimTrace, deleteImportErrorsNaming } from '../imports/import-error-traces.ts';
import { identityError } from '../../core/errors/api-error.ts';
import { deleteMoves } from '../merges/merge-moves.ts';
import { deleteNamesOf, seenNamesOf, seenNameView } from '../names/persona-names.ts';
import { mergeViews, mergesOf } from '../merges/merge-record.ts';
import { forgetPseudonymsOf } from '../pseudonyms/pseudonym-map.ts';

/**
 * Removes the erased identifiers from data outside the identity collections (e.g. stored import files) of one
 * organisation. `ifis`: every identifier of the erased personas, plus each email claim as an `mbox_sha1sum`. Must be
 * idempotent (an erasure may be retried).
 */
export type ErasureScrubber = (erased: { organisation: ObjectId; ifis: Ifi[] }) => Promise<void>;

export interface ErasureServiceOptions {
  store: Store;
  /** Run in order before anything is deleted (see the header). */
  scrubbers?: ErasureScrubber[];
  /** Called after an erasure with the erased identifier ids (statement write-back removes its stamps). */
  afterErase?: (erased: { organisation: ObjectId; personaIds: ObjectId[]; identifierIds: ObjectId[] }) => Promise<void>;
}

export interface ErasureReport {
  personaId: string;
  erasedAt: string;
  counts: { personas: number; identifiers: number; emailClaims: number; attributes: number; links: number; mergeRecords: number };
}

export type ErasureService = ReturnType<typeof createErasureService>;

const hex = (id: ObjectId): string => id.toHexString();

export function createErasureService({ store, afterErase, scrubbers = [] }: ErasureServiceOptions) {
  const personas = store.collection<PersonaDoc>(COLLECTIONS.personas);

  async function livePersona(organisation: ObjectId, id: ObjectId): Promise<PersonaDoc> {
    const persona = await personas.findOne({ _id: id, organisation });
    if (!persona) throw identityError('personas.persona_not_found', `persona ${hex(id)} not found`);
    if (persona.mergedInto) {
      throw identityError(
        'merges.source_is_tombstone',
        `persona ${hex(id)} was merged into ${hex(persona.mergedInto)}; act on that persona`,
      );
    }
    return persona;
  }

  return {
    /** Everything stored about a live persona, as one JSON document (tombstones: the caller redirects). */
    async exportPersona(organisation: ObjectId, id: ObjectId) {
      const persona = await livePersona(organisation, id);
      const [identifiers, attributes, links, claims, tombstones, merges] = await Promise.all([
        store.collection<IdentifierDoc>(COLLECTIONS.identifiers).find({ organisation, persona: id }, { sort: { _id: 1 } }),
        store.collection<AttributeDoc>(COLLECTIONS.attributes).find({ organisation, personaId: id }, { sort: { _id: 1 } }),
        store.collection<LinkDoc>(COLLECTIONS.links).find({ organisation, persona: id }, { sort: { _id: 1 } }),
        store.collection<EmailClaimDoc>(COLLECTIONS.emailClaims).find({ organisation, persona: id }, { sort: { _id: 1 } }),
        personas.find({ organisation, mergedInto: id }, { sort: { _id: 1 } }),
        mergesOf(store).find({ organisation, $or: [{ target: id }, { sources: id }] }, { sort: { createdAt: 1, _id: 1 } }),
      ]);
      return {
        exportedAt: new Date().toISOString(),
        persona: {
          id: hex(persona._id),
          name: persona.name,
          profile: persona.profile ?? {},
          active: persona.active ?? true,
          metadata: persona.metadata ?? {},
          createdAt: persona.createdAt?.toISOString?.() ?? null,
          updatedAt: persona.updatedAt?.toISOString?.() ?? null,
          createdBy: persona.createdBy ?? null,
          updatedBy: persona.updatedBy ?? null,
        },
        identifiers: identifiers.map((doc) => ({ id: hex(doc._id), ifi: doc.ifi, createdAt: doc.createdAt?.toISOString?.() ?? null })),
        attributes: attributes.map((doc) => ({ id: hex(doc._id), key: doc.key, value: doc.value })),
        links: links.map((doc) => ({
          id: hex(doc._id),
          recTypeName: doc.recTypeName,
          recId: doc.recId,
          metadata: doc.metadata ?? {},
          active: doc.active,
        })),
        emailClaims: claims.map((doc) => ({ sha1: doc.sha1 })),
        mergedPersonas: tombstones.map((doc) => ({ id: hex(doc._id), name: doc.name })),
        names: (await seenNamesOf(store, organisation, id)).map(seenNameView),
        merges: await mergeViews(store, organisation, merges),
      };
    },

    async erasePersona({
      organisation,
      personaId,
      actor,
    }: {
      organisation: ObjectId;
      personaId: ObjectId;
      actor: string;
    }): Promise<ErasureReport> {
      await livePersona(organisation, personaId);
      const inFlight = await mergesOf(store).findOne({
        organisation,
        state: { $in: ['intent', 'pending', 'undoing'] },
        $or: [{ target: personaId }, { sources: personaId }],
      });
      if (inFlight)
        throw identityError('merges.merge_in_progress', `merge ${hex(inFlight._id)} involving this persona is in progress; retry`);
      const tombstones = (await personas.find({ organisation, mergedInto: personaId }, { projection: { _id: 1 } })).map((doc) => doc._id);
      const all = [personaId, ...tombstones];
      const identifiers = store.collection<IdentifierDoc>(COLLECTIONS.identifiers);
      const erasedIdentifiers = await identifiers.find(
        { organisation, persona: { $in: all } },
        { projection: { _id: 1, canonicalKey: 1, ifi: 1 } },
      );
      const identifierIds = erasedIdentifiers.map((doc) => doc._id);
      const erasedClaims = await store
        .collection<EmailClaimDoc>(COLLECTIONS.emailClaims)
        .find({ organisation, persona: { $in: all } }, { projection: { sha1: 1 } });
      const erasedIfis: Ifi[] = [
        ...erasedIdentifiers.map((doc) => doc.ifi),
        ...erasedClaims.map((doc): Ifi => ({ key: 'mbox_sha1sum', value: doc.sha1 })),
      ];
      for (const scrub of scrubbers) await scrub({ organisation, ifis: erasedIfis });

      const claims = await store.collection(COLLECTIONS.emailClaims).deleteMany({ organisation, persona: { $in: all } });
      const removedIdentifiers = await identifiers.deleteMany({ organisation, persona: { $in: all } });
      const attributes = await store.collection(COLLECTIONS.attributes).deleteMany({ organisation, personaId: { $in: all } });
      const links = await store.collection(COLLECTIONS.links).deleteMany({ organisation, persona: { $in: all } });
      await deleteNamesOf(store, organisation, all);
      await forgetPseudonymsOf(store, organisation, all, identifierIds);
      await store.collection(DUPLICATE_KEYS_COLLECTION).deleteMany({ organisation, persona: { $in: all } });
      await store.collection(LEGACY_DUPLICATE_KEYS_COLLECTION).deleteMany({ organisation, persona: { $in: all } });
      await store.collection(DUPLICATE_PAIRS_COLLECTION).deleteMany({ organisation, personas: { $in: all } });
      await store.collection(COLLECTIONS.duplicateDismissals).deleteMany({ organisation, personas: { $in: all } });
      await deleteImportErrorsNaming(store, organisation, [
        ...erasedIdentifiers.map((doc) => doc.canonicalKey),
        ...erasedClaims.map((doc) => claimTrace(doc.sha1)),
      ]);
      const now = new Date();
      const involved = { organisation, $or: [{ target: { $in: all } }, { sources: { $in: all } }] };
      const mergeIds = (await mergesOf(store).find(involved, { projection: { _id: 1 } })).map((doc) => doc._id);
      // Marked first: a record marked erased cannot be undone, whatever happens to the rest of the erasure.
      const records = await mergesOf(store).updateMany(involved, { $set: { erasedAt: now, updatedAt: now }, $unset: { moved: '' } });
      await deleteMoves(store, organisation, mergeIds);
      const removedPersonas = await personas.deleteMany({ organisation, _id: { $in: all } });
      const counts = {
        personas: removedPersonas.deletedCount,
        identifiers: removedIdentifiers.deletedCount,
        emailClaims: claims.deletedCount,
        attributes: attributes.deletedCount,
        links: links.deletedCount,
        mergeRecords: records.modifiedCount,
      };
      await store.collection(COLLECTIONS.audit).insertOne({ organisation, action: 'persona.erased', actor, personaId, at: now, counts });
      if (afterErase) await afterErase({ organisation, personaIds: all, identifierIds });
      return { personaId: hex(personaId), erasedAt: now.toISOString(), counts };
    },
  };
}
