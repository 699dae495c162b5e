// HTTP routes of merges: POST /v1/personas/{id}/merge (scope personas:merge), the history (GET /v1/merges, filterable
// by persona, offset or cursor pages like every list), one merge, and its undo. Rules live in merge.service.ts; the
// list runs on the http kit's keyset pager over the (organisation, createdAt, _id) index.
import { ObjectId } from 'bson';
import { apiError, detail } from '../../core/errors/api-error.ts';
import { allOf, conditionsFilter } from '../../core/list/condition-filter.ts';
import type { CursorCodec } from '../../core/list/cursor.ts';
import { listDigest } from '../../core/list/list-digest.ts';
import { parseListQuery, type Condition } from '../../core/list/list-query.ts';
import { findPage, stackItems } from '../../core/list/paginate.ts';
import { defineRoute, listOf, listQueryDoc, objectIdParams, type RouteKit } from '../../http/route-kit.ts';
import { parseWith } from '../../http/validation.ts';
import type { Filter, Store } from '../../store/port.ts';
import { identityError } from '../../core/errors/api-error.ts';
import { HISTORY_MOVED_ITEMS, mergeViews, mergesOf } from './merge-record.ts';
import type { MergeService } from './merge.service.ts';
import { MERGE_LIST, MergePreviewSchema, MergeQuerySchema, MergeRequestSchema, MergeSchema } from './merges.schemas.ts';
import { isObjectIdText } from '../../domain/object-id-text.ts';

const tags = ['Identity management'];

export function parsePathId(
  raw: unknown,
  code: 'personas.invalid_persona_id' | 'merges.invalid_merge_id' | 'imports.invalid_import_id',
): ObjectId {
  if (isObjectIdText(raw)) return new ObjectId(raw);
  if (code === 'personas.invalid_persona_id') throw apiError(code, { id: String(raw).slice(0, 100) });
  throw identityError(code, `invalid id ${String(raw).slice(0, 100)}: expected 24 hex characters`);
}

/** `persona` matches the target or any source: only eq and in make sense for it. */
function personaClause(condition: Condition): Filter {
  if (condition.op !== 'eq' && condition.op !== 'in') {
    const reason = 'persona takes eq or in';
    throw apiError('query.invalid_filter', { parameter: `search.persona.${condition.op}`, reason }, [
      detail('query.search.persona', 'query.invalid_filter', { parameter: 'persona', reason }),
    ]);
  }
  const ids = Array.isArray(condition.value) ? condition.value : [condition.value];
  return { $or: [{ target: { $in: ids } }, { sources: { $in: ids } }] };
}

export interface MergeRouteDependencies {
  store: Store;
  cursors: CursorCodec;
  merges: MergeService;
}

export function registerMergeRoutes(kit: RouteKit, { store, cursors, merges }: MergeRouteDependencies): void {
  defineRoute(kit, {
    method: 'post',
    path: '/v1/personas/{id}/merge',
    scope: 'personas:merge',
    tags,
    params: objectIdParams('id'),
    body: MergeRequestSchema,
    query: MergeQuerySchema,
    summary: 'Merge personas into this one',
    description:
      "Every identifier, attribute and link of each persona in `from` moves to this persona; attribute keys both have keep this persona's value (the source value is recorded). Each source becomes a tombstone: GET on it answers 308 here. The merge is journaled and crash-safe; it is recorded in the history and can be undone.",
    responses: {
      200: {
        description:
          'dryRun=true: what would move, the attribute conflicts and (`refusals`) an identity rule the merge would break; nothing written',
        schema: MergePreviewSchema,
      },
      201: {
        description: 'Applied: the merge record with what moved',
        schema: MergeSchema,
        headers: { Location: { description: 'URL of the merge record' } },
      },
      400: { description: 'merges.merge_into_itself, personas.invalid_persona_id' },
      404: { description: 'personas.persona_not_found (the target or a source, also of another organisation)' },
      409: {
        description:
          'merges.target_is_tombstone, merges.source_is_tombstone, merges.merge_in_progress, rules.limit_exceeded and rules.unique_kind (the merged persona would break an identity rule, named in the message; a dry run answers 200 naming it in `refusals`)',
      },
      422: {
        description:
          'rules.identifier_blocked (a source holds an identifier an identity rule blocks, the rule named; a dry run answers 200 naming it in `refusals`)',
      },
    },
    async handler(req, res, caller) {
      const targetId = parsePathId(req.params.id, 'personas.invalid_persona_id');
      const { from } = parseWith(MergeRequestSchema, req.body, 'merges');
      const { dryRun } = parseWith(MergeQuerySchema, req.query, 'merges', 'query');
      const request = {
        organisation: caller.organisation,
        targetId,
        sourceIds: from.map((id) => new ObjectId(id)),
        actor: caller.clientId,
      };
      if (dryRun === 'true') {
        res.json(await merges.previewMerge(request));
        return;
      }
      const view = await merges.mergePersonas(request);
      res.status(201).location(`/v1/merges/${view.id}`).json(view);
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/merges',
    scope: 'personas:read',
    tags,
    summary: 'Merge history, newest first',
    description:
      '`persona=<id>` (or `search.persona.in=a,b`) keeps merges whose target or a source is that persona; `state=applied` filters by state.',
    query: listQueryDoc(MERGE_LIST),
    responses: { 200: { description: 'A page of merge records', schema: listOf(MergeSchema, 'MergeList') } },
    async handler(req, res, caller) {
      const query = parseListQuery(MERGE_LIST, req.query as Record<string, unknown>);
      const personaConditions = query.conditions.filter((condition) => condition.field === 'persona');
      const filter = allOf(conditionsFilter(query.conditions), ...personaConditions.map(personaClause));
      const { items, page } = await findPage({
        collection: mergesOf(store),
        scope: { organisation: caller.organisation },
        filter,
        query,
        codec: cursors,
        digest: listDigest('merges', caller.organisation, query),
        sortIndexes: [{ createdAt: -1, _id: -1 }],
      });
      const views = await mergeViews(store, caller.organisation, items, HISTORY_MOVED_ITEMS);
      const rendered = items.map((record, index) => ({ raw: record, rendered: views[index] }));
      res.json({ data: query.stack ? stackItems(rendered, query.stack.path) : rendered.map((item) => item.rendered), page });
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: '/v1/merges/{id}',
    scope: 'personas:read',
    tags,
    summary: 'One merge record',
    params: objectIdParams('id'),
    responses: { 200: { description: 'The merge record', schema: MergeSchema }, 404: { description: 'merges.merge_not_found' } },
    async handler(req, res, caller) {
      res.json(await merges.getMerge(caller.organisation, parsePathId(req.params.id, 'merges.invalid_merge_id')));
    },
  });

  defineRoute(kit, {
    method: 'post',
    path: '/v1/merges/{id}/undo',
    scope: 'personas:merge',
    tags,
    params: objectIdParams('id'),
    summary: 'Undo a merge',
    description:
      'Restores each source with exactly the identifiers, attributes and links it had, provided none of them moved since (otherwise 409 merges.undo_conflict with one detail per change). Identifiers created on the target after the merge stay on the target.',
    responses: {
      200: { description: 'The merge record, state undone', schema: MergeSchema },
      404: { description: 'merges.merge_not_found' },
      409: {
        description:
          'merges.undo_conflict (details: merges.item_moved, merges.item_deleted, merges.persona_changed, …), merges.merge_not_applied, merges.merge_in_progress, rules.limit_exceeded and rules.unique_kind (a source given back its identifiers would break an identity rule saved since, named in the message)',
      },
    },
    async handler(req, res, caller) {
      res.json(
        await merges.undoMerge({
          organisation: caller.organisation,
          mergeId: parsePathId(req.params.id, 'merges.invalid_merge_id'),
          actor: caller.clientId,
        }),
      );
    },
  });
}
