// Pseudonymised exports: what GET /v1/personas/{id}/export answers, and one JSON line per persona of an
// organisation, with every identifier, name and persona id replaced by its keyed pseudonym (pseudonymiser.ts).
// Pseudonyms are the same in every export made under one key, so exports join on them. Attributes are kept as they
// are (the analyst's data); names, profiles, API client ids and link record ids (another system's identifiers) are
// not exported in clear. Every pseudonym written out is recorded in the mapping (pseudonym-map.ts).
import { ObjectId } from 'bson';
import { z } from 'zod';
import { COLLECTIONS, type AttributeDoc, type IdentifierDoc, type Ifi, type PersonaDoc } from '../../domain/model.ts';
import { canonicalIdentifierKey } from '../../domain/xapi/canonical-identifier.ts';
import type { Store } from '../../store/port.ts';
import type { ErasureService } from '../erasure/erasure.service.ts';
import { recordPseudonyms, type PseudonymEntry } from './pseudonym-map.ts';
import type { Pseudonymiser } from './pseudonymiser.ts';

const IdentifierPseudonymSchema = z.object({ kind: z.enum(['mbox', 'mbox_sha1sum', 'openid', 'account']), pseudonym: z.string() });

export const PseudonymisedPersonaSchema = z
  .object({
    persona: z.string().meta({ description: "The persona's pseudonym (`pp_…`)" }),
    active: z.boolean(),
    createdAt: z.string().nullable(),
    identifiers: z.array(IdentifierPseudonymSchema).meta({ description: "Each identifier's kind and pseudonym (`pi_…`)" }),
    attributes: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'PseudonymisedPersona', description: 'One line of the pseudonymised organisation export' });

export const PseudonymisedPersonaExportSchema = z
  .object({
    exportedAt: z.string(),
    pseudonymised: z.literal(true),
    keyId: z.string().meta({ description: 'The key the pseudonyms were made with (a rotation starts other pseudonyms)' }),
    persona: PseudonymisedPersonaSchema.omit({ identifiers: true, attributes: true }),
    identifiers: z.array(IdentifierPseudonymSchema),
    attributes: z.array(z.object({ key: z.string(), value: z.unknown() })),
    links: z.array(z.object({ recTypeName: z.string(), recId: z.string().meta({ description: 'Pseudonym of the linked record id' }) })),
    emailClaims: z.array(
      z.object({ pseudonym: z.string().meta({ description: 'Pseudonym of the `mbox_sha1sum` identifier of the address' }) }),
    ),
    mergedPersonas: z.array(z.object({ persona: z.string() })),
    nameCount: z.number().int().meta({ description: 'How many names were seen (the names are not exported)' }),
    merges: z.array(
      z.object({
        state: z.string(),
        createdAt: z.string(),
        appliedAt: z.string().nullable(),
        undoneAt: z.string().nullable(),
        target: z.string(),
        sources: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: 'PseudonymisedPersonaExport' });

type PersonaExport = Awaited<ReturnType<ErasureService['exportPersona']>>;

const linkKey = (recTypeName: string, recId: string): string => `link|${JSON.stringify([recTypeName, recId])}`;

/** Builds the mapping entries of what one export hands out, as it pseudonymises (see recordPseudonyms). */
class IssuedPseudonyms {
  readonly entries: PseudonymEntry[] = [];
  private readonly issuedAt = new Date();
  constructor(
    private readonly pseudonyms: Pseudonymiser,
    private readonly organisation: ObjectId,
  ) {}

  persona(id: string): string {
    const pseudonym = this.pseudonyms.persona(id);
    this.entries.push({
      _id: pseudonym,
      organisation: this.organisation,
      kind: 'persona',
      persona: new ObjectId(id),
      keyId: this.pseudonyms.keyId,
      issuedAt: this.issuedAt,
    });
    return pseudonym;
  }

  identifier(canonicalKey: string, persona: string, identifier?: string): string {
    const pseudonym = this.pseudonyms.identifier(canonicalKey);
    this.entries.push({
      _id: pseudonym,
      organisation: this.organisation,
      kind: 'identifier',
      persona: new ObjectId(persona),
      ...(identifier ? { identifier: new ObjectId(identifier) } : {}),
      keyId: this.pseudonyms.keyId,
      issuedAt: this.issuedAt,
    });
    return pseudonym;
  }
}

/** The pseudonymised form of a persona export (GET /v1/personas/{id}/export?pseudonymised=true). */
export async function pseudonymisePersonaExport(
  store: Store,
  organisation: ObjectId,
  pseudonyms: Pseudonymiser,
  document: PersonaExport,
): Promise<z.infer<typeof PseudonymisedPersonaExportSchema>> {
  const issued = new IssuedPseudonyms(pseudonyms, organisation);
  const personaId = document.persona.id;
  const result = {
    exportedAt: document.exportedAt,
    pseudonymised: true as const,
    keyId: pseudonyms.keyId,
    persona: { persona: issued.persona(personaId), active: document.persona.active, createdAt: document.persona.createdAt },
    identifiers: document.identifiers
      .map((identifier) => {
        const ifi = identifier.ifi as Ifi;
        return { kind: ifi.key, pseudonym: issued.identifier(canonicalIdentifierKey(ifi), personaId, identifier.id) };
      })
      .sort((a, b) => (a.pseudonym < b.pseudonym ? -1 : 1)),
    attributes: document.attributes.map(({ key, value }) => ({ key, value })),
    links: document.links.map((link) => ({
      recTypeName: link.recTypeName,
      recId: pseudonyms.identifier(linkKey(link.recTypeName, link.recId)),
    })),
    emailClaims: document.emailClaims.map((claim) => ({ pseudonym: issued.identifier(`mbox_sha1sum|${claim.sha1}`, personaId) })),
    mergedPersonas: document.mergedPersonas.map((tombstone) => ({ persona: issued.persona(tombstone.id) })),
    nameCount: document.names.length,
    merges: document.merges.map((merge) => ({
      state: merge.state,
      createdAt: merge.createdAt,
      appliedAt: merge.appliedAt,
      undoneAt: merge.undoneAt,
      target: pseudonyms.persona(merge.target),
      sources: merge.sources.map((source) => pseudonyms.persona(source)),
    })),
  };
  await recordPseudonyms(store, issued.entries);
  return result;
}

/** Personas read per round trip of the organisation export (their identifiers and attributes are read together). */
export const EXPORT_BATCH_SIZE = 500;

/**
 * Every live persona of the organisation, pseudonymised, one object per persona in id order, in batches (one
 * identifiers and one attributes read per batch, each on an index). `onBatch` hears how many were written.
 */
export async function* pseudonymisedOrganisationExport(
  store: Store,
  organisation: ObjectId,
  pseudonyms: Pseudonymiser,
  batchSize = EXPORT_BATCH_SIZE,
): AsyncGenerator<Array<z.infer<typeof PseudonymisedPersonaSchema>>> {
  let batch: PersonaDoc[] = [];
  const personas = store
    .collection<PersonaDoc>(COLLECTIONS.personas)
    .iterate(
      { organisation, mergedInto: { $exists: false } },
      { sort: { _id: 1 }, projection: { _id: 1, active: 1, createdAt: 1 }, batchSize },
    );
  for await (const persona of personas) {
    batch.push(persona);
    if (batch.length >= batchSize) {
      yield await exportBatch(store, organisation, pseudonyms, batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield await exportBatch(store, organisation, pseudonyms, batch);
}

async function exportBatch(store: Store, organisation: ObjectId, pseudonyms: Pseudonymiser, personas: PersonaDoc[]) {
  const ids = personas.map((persona) => persona._id);
  const [identifiers, attributes] = await Promise.all([
    store
      .collection<IdentifierDoc>(COLLECTIONS.identifiers)
      .find({ organisation, persona: { $in: ids } }, { projection: { _id: 1, persona: 1, ifi: 1, canonicalKey: 1 } }),
    store
      .collection<AttributeDoc>(COLLECTIONS.attributes)
      .find({ organisation, personaId: { $in: ids } }, { projection: { personaId: 1, key: 1, value: 1 } }),
  ]);
  const issued = new IssuedPseudonyms(pseudonyms, organisation);
  const lines = new Map(
    personas.map((persona) => [
      persona._id.toHexString(),
      {
        persona: issued.persona(persona._id.toHexString()),
        active: persona.active ?? true,
        createdAt: persona.createdAt?.toISOString?.() ?? null,
        identifiers: [] as Array<z.infer<typeof IdentifierPseudonymSchema>>,
        attributes: {} as Record<string, unknown>,
      },
    ]),
  );
  for (const identifier of identifiers) {
    const owner = identifier.persona.toHexString();
    lines.get(owner)?.identifiers.push({
      kind: identifier.ifi.key,
      pseudonym: issued.identifier(identifier.canonicalKey, owner, identifier._id.toHexString()),
    });
  }
  // In pseudonym order: any order of the real values (alphabetical addresses, creation) would tell something about them.
  for (const line of lines.values()) line.identifiers.sort((a, b) => (a.pseudonym < b.pseudonym ? -1 : 1));
  for (const attribute of attributes) {
    const line = lines.get(attribute.personaId.toHexString());
    if (line) line.attributes[attribute.key] = attribute.value;
  }
  await recordPseudonyms(store, issued.entries);
  return [...lines.values()];
}
