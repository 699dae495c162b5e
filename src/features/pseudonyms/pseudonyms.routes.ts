// Pseudonymisation routes (issue 15): turn it on or off and rotate the key (clients:admin), read the settings (ids
// and dates only: the key itself is never answered), the pseudonymised organisation export (JSON lines, streamed,
// personas:read) and re-identification of one pseudonym (clients:admin). Registered before the /v1/personas/{id}
// routes, so `/v1/personas/export` is not read as a persona id.
import { once } from 'node:events';
import type { Response } from 'express';
import { z } from 'zod';
import { COLLECTIONS, type IdentifierDoc } from '../../domain/model.ts';
import { apiError } from '../../core/errors/api-error.ts';
import { defineRoute, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import type { Store } from '../../store/port.ts';
import { resolveLivePersonaId } from '../personas/persona-lookup.ts';
import { disablePseudonymisation, enablePseudonymisation, readPseudonymisation, rotatePseudonymKey } from './pseudonym-keys.ts';
import { findPseudonym, forgetOrganisationPseudonyms } from './pseudonym-map.ts';
import { isPseudonymisedRequested, pseudonymisedQuery, requirePseudonymiser } from './pseudonymised-query.ts';
import { PseudonymisedPersonaSchema, pseudonymisedOrganisationExport } from './pseudonymised-export.ts';
import { PSEUDONYM_PATTERN } from './pseudonymiser.ts';

const tags = ['Pseudonymisation'];

const PseudonymisationSchema = z
  .object({
    enabled: z.boolean(),
    enabledAt: z.string().nullable(),
    currentKey: z.object({ id: z.string(), createdAt: z.string() }).nullable(),
    retiredKeys: z.array(z.object({ id: z.string(), createdAt: z.string(), retiredAt: z.string() })),
  })
  .meta({ id: 'Pseudonymisation' });

const PseudonymisationChangeSchema = z
  .object({
    enabled: z.boolean({ error: 'pseudonyms.invalid_enabled' }).meta({
      description: '`false` deletes the key and the pseudonym mapping: pseudonyms issued so far can no longer be computed or looked up',
    }),
  })
  .strict()
  .meta({ id: 'PseudonymisationChange' });

const PseudonymLookupSchema = z
  .object({
    pseudonym: z.string(),
    kind: z.enum(['persona', 'identifier']),
    personaId: z.string().nullable().meta({ description: 'The live persona (following merges); null when it no longer exists' }),
    identifierId: z.string().nullable(),
    keyId: z.string(),
    issuedAt: z.string(),
  })
  .meta({ id: 'PseudonymLookup' });

export function registerPseudonymRoutes(kit: RouteKit, { store }: { store: Store }): void {
  defineRoute(kit, {
    method: 'get',
    path: '/v1/pseudonymisation',
    scope: 'personas:read',
    tags,
    summary: "Whether pseudonymisation is on, the current key's id and the dated history of retired keys",
    responses: { 200: { description: 'The settings (never the key)', schema: PseudonymisationSchema } },
    async handler(_req, res, caller) {
      res.json(await readPseudonymisation(store, caller.organisation));
    },
  });

  defineRoute(kit, {
    method: 'put',
    path: '/v1/pseudonymisation',
    scope: 'clients:admin',
    tags,
    body: PseudonymisationChangeSchema,
    summary: "Turn pseudonymisation on (creates the organisation's key; idempotent) or off",
    responses: { 200: { description: 'The settings', schema: PseudonymisationSchema } },
    async handler(req, res, caller) {
      const { enabled } = parseWith(PseudonymisationChangeSchema, req.body, 'pseudonyms');
      if (enabled) return void res.json(await enablePseudonymisation(store, caller.organisation, caller.clientId));
      await disablePseudonymisation(store, caller.organisation);
      await forgetOrganisationPseudonyms(store, caller.organisation);
      res.json(await readPseudonymisation(store, caller.organisation));
    },
  });

  defineRoute(kit, {
    method: 'post',
    path: '/v1/pseudonymisation/rotate',
    scope: 'clients:admin',
    tags,
    summary: 'Replace the key: pseudonyms made from now on differ from earlier ones; the old key is kept in the history by id and dates',
    responses: { 200: { description: 'The settings', schema: PseudonymisationSchema }, 409: { description: 'pseudonyms.not_enabled' } },
    async handler(_req, res, caller) {
      const rotated = await rotatePseudonymKey(store, caller.organisation);
      if (!rotated) throw apiError('pseudonyms.not_enabled');
      res.json(rotated);
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/pseudonyms/{pseudonym}',
    scope: 'clients:admin',
    tags,
    params: z.object({ pseudonym: z.string().meta({ description: '`pp_…` or `pi_…`' }) }),
    summary: 'Who a pseudonym stands for (re-identification; erased personas are forgotten)',
    responses: {
      200: { description: 'The persona or identifier', schema: PseudonymLookupSchema },
      404: { description: 'pseudonyms.pseudonym_not_found' },
    },
    async handler(req, res, caller) {
      const pseudonym = String(req.params.pseudonym);
      if (!PSEUDONYM_PATTERN.test(pseudonym)) throw apiError('pseudonyms.invalid_pseudonym', { pseudonym });
      const entry = await findPseudonym(store, caller.organisation, pseudonym);
      if (!entry) throw apiError('pseudonyms.pseudonym_not_found', { pseudonym });
      const identifier = entry.identifier
        ? await store
            .collection<IdentifierDoc>(COLLECTIONS.identifiers)
            .findOne({ _id: entry.identifier, organisation: caller.organisation }, { projection: { persona: 1 } })
        : null;
      const live = await resolveLivePersonaId(store, caller.organisation, identifier?.persona ?? entry.persona);
      res.json({
        pseudonym,
        kind: entry.kind,
        personaId: live?.toHexString() ?? null,
        identifierId: identifier ? entry.identifier!.toHexString() : null,
        keyId: entry.keyId,
        issuedAt: entry.issuedAt.toISOString(),
      });
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/personas/export',
    scope: 'personas:read',
    tags,
    query: z.object({ pseudonymised: pseudonymisedQuery }),
    summary: 'Every persona of the organisation, pseudonymised, as JSON lines (application/x-ndjson, streamed)',
    description:
      'One PseudonymisedPersona per line, in persona id order. Pseudonyms are the same in every export made under one key, so exports (and write-back stamps with WRITE_BACK_PERSON=pseudonym) join on them. Only the pseudonymised export exists: pass `pseudonymised=true`.',
    responses: {
      200: {
        description: 'JSON lines',
        schema: PseudonymisedPersonaSchema,
        headers: { 'X-Pseudonym-Key': { description: 'Id of the key the pseudonyms were made with' } },
      },
      409: { description: 'pseudonyms.not_enabled' },
    },
    async handler(req, res, caller) {
      if (!isPseudonymisedRequested(req.query.pseudonymised)) {
        throw apiError('query.invalid_parameter', {
          parameter: 'pseudonymised',
          reason: 'only the pseudonymised organisation export exists; pass pseudonymised=true',
        });
      }
      const pseudonyms = await requirePseudonymiser(store, caller.organisation);
      res
        .status(200)
        .type('application/x-ndjson')
        .set('X-Pseudonym-Key', pseudonyms.keyId)
        .set('Content-Disposition', `attachment; filename="personas-${caller.organisation.toHexString()}.pseudonymised.jsonl"`);
      await streamLines(res, pseudonymisedOrganisationExport(store, caller.organisation, pseudonyms));
    },
  });
}

/** Writes each batch as JSON lines, waiting for the socket to drain; stops when the client goes away. */
async function streamLines(res: Response, batches: AsyncIterable<unknown[]>): Promise<void> {
  try {
    for await (const batch of batches) {
      if (res.destroyed) return;
      if (!res.write(batch.map((line) => `${JSON.stringify(line)}\n`).join('')))
        await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    res.end();
  } catch (error) {
    // The status line is sent: the only way left to say the export is incomplete is to cut the connection.
    if (!res.headersSent) throw error;
    res.destroy(error as Error);
  }
}
