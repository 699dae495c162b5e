// HTTP routes of duplicate suggestions: the organisation-wide list (best first, offset pages over the computed list),
// one persona's suggestions, and "not a duplicate" dismissals (scope personas:merge: they steer merge decisions).
import { ObjectId } from 'bson';
import { z } from 'zod';
import { apiError } from '../../core/errors/api-error.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../core/list/list-query.ts';
import { defineRoute, listOf, objectIdParams, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import type { Store } from '../../store/port.ts';
import { objectIdText } from '../identifiers/identifiers.schemas.ts';
import { identityError } from '../../core/errors/api-error.ts';
import { parsePathId } from '../merges/merges.routes.ts';
import { personaReadResponses, readPersona } from '../personas/persona-guard.ts';
import type { DuplicatesService } from './duplicates.service.ts';

const tags = ['Identity management'];

export const DuplicatePairSchema = z
  .object({
    personas: z.tuple([z.string(), z.string()]).meta({ description: 'The two persona ids, in id order' }),
    score: z.number().meta({ description: '0-1; several reasons combine as 1 - Π(1 - score of each)' }),
    isCertain: z.boolean().meta({ description: 'mbox and mbox_sha1sum of the same address' }),
    reasons: z.array(
      z.object({
        code: z.enum(['mbox_sha1sum', 'email_case_variant', 'account_name', 'display_name', 'identifying_attribute']),
        detail: z.string(),
      }),
    ),
  })
  .meta({ id: 'DuplicatePair' });

export const DismissRequestSchema = z
  .object({
    pairs: z
      .array(z.tuple([objectIdText, objectIdText]))
      .min(1)
      .max(1000)
      .meta({ description: 'Pairs of persona ids that are not the same person' }),
  })
  .strict()
  .meta({ id: 'DuplicateDismissal' });

const listQuery = z.object({
  limit: z
    .string()
    .optional()
    .meta({ description: `Pairs per page, default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}` }),
  offset: z.string().optional(),
  minScore: z.string().optional().meta({ description: 'Only pairs scoring at least this (0-1)' }),
});

function pagingOf(query: Record<string, unknown>): { limit: number; offset: number; minScore: number } {
  const known = new Set(['limit', 'offset', 'minScore']);
  const unknown = Object.keys(query).find((key) => !known.has(key));
  if (unknown) throw apiError('query.invalid_parameter', { parameter: unknown, reason: 'unknown parameter' });
  const text = (name: string) => {
    const value = query[name];
    if (value !== undefined && typeof value !== 'string')
      throw apiError('query.invalid_parameter', { parameter: name, reason: 'give it once' });
    return value as string | undefined;
  };
  const integer = (raw: string | undefined, fallback: number, minimum: number, code: 'query.invalid_limit' | 'query.invalid_offset') => {
    if (raw === undefined) return fallback;
    if (!/^\d{1,9}$/.test(raw) || Number(raw) < minimum) throw apiError(code);
    return Number(raw);
  };
  const minScoreText = text('minScore');
  const minScore = minScoreText === undefined ? 0 : Number(minScoreText);
  if (minScoreText !== undefined && (minScoreText.trim() === '' || !(minScore >= 0 && minScore <= 1))) {
    throw apiError('query.invalid_parameter', { parameter: 'minScore', reason: 'a number from 0 to 1' });
  }
  return {
    limit: Math.min(integer(text('limit'), DEFAULT_LIMIT, 1, 'query.invalid_limit'), MAX_LIMIT),
    offset: integer(text('offset'), 0, 0, 'query.invalid_offset'),
    minScore,
  };
}

export function registerDuplicateRoutes(kit: RouteKit, { store, duplicates }: { store: Store; duplicates: DuplicatesService }): void {
  defineRoute(kit, {
    method: 'get',
    path: '/v1/duplicates',
    scope: 'personas:read',
    tags,
    summary: 'Suggested duplicate pairs of the organisation, best first',
    description:
      'Computed from the duplicate-key index (refreshed incrementally from what changed since the last call): mbox vs mbox_sha1sum of one address (certain), email case variants, the same account name under different home pages, the same normalised display name, the same identifying attribute value. Merged personas and dismissed pairs are never suggested. Offset pages over the stored pairs (score order; no cursors).',
    query: listQuery,
    responses: { 200: { description: 'A page of pairs', schema: listOf(DuplicatePairSchema, 'DuplicatePairList') } },
    async handler(req, res, caller) {
      const { limit, offset, minScore } = pagingOf(req.query as Record<string, unknown>);
      const data = await duplicates.listDuplicates(caller.organisation, { minScore, limit, offset });
      res.json({ data, page: { limit, offset, nextCursor: null, prevCursor: null } });
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/personas/{id}/duplicates',
    scope: 'personas:read',
    tags,
    params: objectIdParams('id'),
    summary: 'Suggested duplicates of one persona, best first',
    responses: {
      200: { description: 'Pairs that include this persona', schema: z.object({ data: z.array(DuplicatePairSchema) }) },
      ...personaReadResponses(),
    },
    async handler(req, res, caller) {
      const id = parsePathId(req.params.id, 'personas.invalid_persona_id');
      await readPersona(store, caller.organisation, id);
      res.json({ data: await duplicates.suggestionsFor(caller.organisation, id) });
    },
  });

  defineRoute(kit, {
    method: 'post',
    path: '/v1/duplicates/dismiss',
    scope: 'personas:merge',
    tags,
    body: DismissRequestSchema,
    summary: 'Mark pairs as "not a duplicate": they are never suggested again',
    responses: {
      200: { description: 'How many pairs are dismissed', schema: z.object({ dismissed: z.number().int() }) },
      404: { description: 'personas.persona_not_found (a persona of the pairs, also of another organisation)' },
      422: { description: 'duplicates.failed_to_validate, duplicates.invalid_pair (a pair names one persona twice)' },
    },
    async handler(req, res, caller) {
      const { pairs } = parseWith(DismissRequestSchema, req.body, 'duplicates');
      const ids = pairs.map(([a, b]) => [new ObjectId(a), new ObjectId(b)] as [ObjectId, ObjectId]);
      res.json({ dismissed: await duplicates.dismiss(caller.organisation, ids, caller.clientId) });
    },
  });

  defineRoute(kit, {
    method: 'post',
    path: '/v1/duplicates/auto-merge',
    scope: 'personas:merge',
    tags,
    summary: 'Apply the auto-merge rules: merge every certain pair (older persona kept), recorded in the history by `auto-merge`',
    description: 'Off by default: answers 409 duplicates.auto_merge_off unless AUTO_MERGE_CERTAIN=true.',
    responses: {
      200: { description: 'The merges made', schema: z.object({ merges: z.array(z.string()) }) },
      409: { description: 'duplicates.auto_merge_off' },
    },
    async handler(_req, res, caller) {
      if (!duplicates.isAutoMergeOn)
        throw identityError('duplicates.auto_merge_off', 'auto-merge rules are off (set AUTO_MERGE_CERTAIN=true)');
      res.json({ merges: await duplicates.applyAutoMerges(caller.organisation) });
    },
  });
}
