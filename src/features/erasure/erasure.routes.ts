// HTTP routes of GDPR export and erasure of one persona. Export is a read (308 for a merged persona, like GET of the
// persona); erasure needs the personas:erase scope and answers what was removed, counted, never the data itself.
import { z } from 'zod';
import { defineRoute, objectIdParams, type RouteKit } from '../../http/route-kit.ts';
import type { Store } from '../../store/port.ts';
import { parsePathId } from '../merges/merges.routes.ts';
import { MergeSchema } from '../merges/merges.schemas.ts';
import { SeenNamesSchema } from '../names/names.schemas.ts';
import { personaReadResponses, readPersona } from '../personas/persona-guard.ts';
import { PseudonymisedPersonaExportSchema, pseudonymisePersonaExport } from '../pseudonyms/pseudonymised-export.ts';
import { isPseudonymisedRequested, pseudonymisedQuery, requirePseudonymiser } from '../pseudonyms/pseudonymised-query.ts';
import type { ErasureService } from './erasure.service.ts';

const tags = ['Identity management'];

export const PersonaExportSchema = z
  .object({
    exportedAt: z.string(),
    persona: z.object({
      id: z.string(),
      name: z.string().nullable(),
      profile: z.record(z.string(), z.unknown()),
      active: z.boolean(),
      metadata: z.record(z.string(), z.unknown()),
      createdAt: z.string().nullable(),
      updatedAt: z.string().nullable(),
      createdBy: z.string().nullable(),
      updatedBy: z.string().nullable(),
    }),
    identifiers: z.array(z.object({ id: z.string(), ifi: z.unknown(), createdAt: z.string().nullable() })),
    attributes: z.array(z.object({ id: z.string(), key: z.string(), value: z.unknown() })),
    links: z.array(z.object({ id: z.string(), recTypeName: z.string(), recId: z.string(), metadata: z.unknown(), active: z.unknown() })),
    emailClaims: z.array(z.object({ sha1: z.string() })).meta({ description: 'SHA-1 sums of email addresses this persona owns' }),
    mergedPersonas: z
      .array(z.object({ id: z.string(), name: z.string().nullable().optional() }))
      .meta({ description: 'Tombstones that redirect here' }),
    names: SeenNamesSchema,
    merges: z.array(MergeSchema),
  })
  .meta({ id: 'PersonaExport' });

export const ErasureReportSchema = z
  .object({
    personaId: z.string(),
    erasedAt: z.string(),
    counts: z.object({
      personas: z.number().int(),
      identifiers: z.number().int(),
      emailClaims: z.number().int(),
      attributes: z.number().int(),
      links: z.number().int(),
      mergeRecords: z.number().int().meta({ description: 'Merge records whose identifying parts were removed' }),
    }),
  })
  .meta({ id: 'ErasureReport' });

export function registerErasureRoutes(kit: RouteKit, { store, erasure }: { store: Store; erasure: ErasureService }): void {
  defineRoute(kit, {
    method: 'get',
    path: '/v1/personas/{id}/export',
    scope: 'personas:read',
    tags,
    params: objectIdParams('id'),
    query: z.object({ pseudonymised: pseudonymisedQuery }),
    summary: 'Everything stored about a persona, as one JSON document (GDPR access), or its pseudonymised form',
    responses: {
      200: {
        description:
          'Identifiers, attributes, links, email claims, merged personas and merge history (PseudonymisedPersonaExport with pseudonymised=true)',
        schema: z.union([PersonaExportSchema, PseudonymisedPersonaExportSchema]),
      },
      ...personaReadResponses(),
      409: { description: 'pseudonyms.not_enabled (pseudonymised=true)' },
    },
    async handler(req, res, caller) {
      const id = parsePathId(req.params.id, 'personas.invalid_persona_id');
      const isPseudonymised = isPseudonymisedRequested(req.query.pseudonymised);
      await readPersona(store, caller.organisation, id);
      const pseudonyms = isPseudonymised ? await requirePseudonymiser(store, caller.organisation) : null;
      const document = await erasure.exportPersona(caller.organisation, id);
      res
        .set('Content-Disposition', `attachment; filename="persona-${id.toHexString()}${pseudonyms ? '.pseudonymised' : ''}.json"`)
        .json(pseudonyms ? await pseudonymisePersonaExport(store, caller.organisation, pseudonyms, document) : document);
    },
  });

  defineRoute(kit, {
    method: 'post',
    path: '/v1/personas/{id}/erase',
    scope: 'personas:erase',
    tags,
    params: objectIdParams('id'),
    summary: 'Erase a persona (GDPR erasure)',
    description:
      'Removes the persona, personas merged into it, their pseudonym mapping, their identifiers, email claims, attributes, links, duplicate-index entries and dismissals, and the identifying parts of their merge records; removes statement write-back stamps when write-back is on; empties the rows and cells of stored Learning Locker import CSVs that hold their identifiers (rows keep their numbers). An audit entry records that an erasure happened, without the erased data.',
    responses: {
      200: { description: 'What was removed, counted', schema: ErasureReportSchema },
      404: { description: 'personas.persona_not_found' },
      409: { description: 'merges.source_is_tombstone (erase the persona it was merged into), merges.merge_in_progress' },
    },
    async handler(req, res, caller) {
      const personaId = parsePathId(req.params.id, 'personas.invalid_persona_id');
      res.json(await erasure.erasePersona({ organisation: caller.organisation, personaId, actor: caller.clientId }));
    },
  });
}
