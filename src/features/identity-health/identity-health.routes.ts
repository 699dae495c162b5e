// GET /v1/stats/identity: the organisation's identity health (personas:read), with a daily series of `days` days.
import { z } from 'zod';
import { apiError } from '../../core/errors/api-error.ts';
import { defineRoute, type RouteKit } from '../../http/route-kit.ts';
import type { IdentityHealthService } from './identity-health.service.ts';

export const MAX_SERIES_DAYS = 366;

const count = z.number().int();
const ratio = z.number().min(0).max(1);

export const IdentityHealthSchema = z
  .object({
    generatedAt: z.string(),
    personas: count.meta({ description: 'Live personas (not merged away)' }),
    mergedPersonas: count.meta({ description: 'Personas merged into another (tombstones)' }),
    identifiers: count,
    identifiersByKind: z.object({ mbox: count, mbox_sha1sum: count, openid: count, account: count }),
    identifiersPerPersona: z.object({
      buckets: z.array(z.object({ identifiers: z.string().meta({ description: '`0` … `9`, `10+`' }), personas: count })),
      multiKindPersonas: count,
      computedAt: z.string().meta({ description: 'The distribution is computed at most every 5 minutes per organisation and process' }),
    }),
    multiKindShare: ratio.meta({ description: 'Share of live personas holding two or more identifier kinds' }),
    deduplicationRate: ratio.meta({ description: 'Merged personas / all personas ever created and not erased' }),
    blockedIdentifiers: count.meta({
      description:
        'Identifiers refused by blocked-value rules (agents of statements, import rows, API and Learning Locker requests), since the first refusal recorded',
    }),
    duplicateSuggestionsOpen: count.meta({ description: 'Suggested duplicate pairs neither merged nor dismissed' }),
    series: z.array(
      z.object({
        date: z.string().meta({ description: 'YYYY-MM-DD, UTC; today last' }),
        personasCreated: count,
        merges: count,
        undos: count,
        blockedIdentifiers: count.meta({ description: 'Identifiers refused by blocked-value rules that day' }),
        personas: count.meta({ description: 'Live personas at the end of the day' }),
        deduplicationRate: ratio,
      }),
    ),
  })
  .meta({ id: 'IdentityHealth' });

function parseDays(value: unknown): number {
  if (value === undefined) return 30;
  const days = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(days) || days < 1 || days > MAX_SERIES_DAYS) {
    const reason = `must be an integer from 1 to ${MAX_SERIES_DAYS}`;
    throw apiError('query.invalid_parameter', { parameter: 'days', reason }, [
      { path: 'query.days', code: 'query.invalid_parameter', message: reason },
    ]);
  }
  return days;
}

export function registerIdentityHealthRoutes(kit: RouteKit, { identityHealth }: { identityHealth: IdentityHealthService }): void {
  defineRoute(kit, {
    method: 'get',
    path: '/v1/stats/identity',
    scope: 'personas:read',
    tags: ['Identity health'],
    query: z.object({
      days: z
        .string()
        .optional()
        .meta({ description: `Days in the series, 1–${MAX_SERIES_DAYS}, default 30` }),
    }),
    summary: 'Identity health: personas, identifiers, identifiers per persona, de-duplication rate, merges and undos per day',
    responses: { 200: { description: 'The figures and the daily series', schema: IdentityHealthSchema } },
    async handler(req, res, caller) {
      res.json(await identityHealth.health(caller.organisation, parseDays(req.query.days)));
    },
  });
}
