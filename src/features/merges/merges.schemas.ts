// Request and response schemas of the merge routes (POST /v1/personas/{id}/merge, /v1/merges…); the same objects
// validate requests and generate the OpenAPI document. MERGE_LIST is what GET /v1/merges filters and sorts on.
import { z } from 'zod';
import type { ListSpec } from '../../core/list/list-fields.ts';
import { objectIdText } from '../identifiers/identifiers.schemas.ts';

export const MergeRequestSchema = z
  .object({
    from: z
      .array(objectIdText, { error: 'merges.no_sources' })
      .min(1, { error: 'merges.no_sources' })
      .max(1000)
      .meta({ description: 'Ids of the personas merged into the target (each becomes a tombstone redirecting to it)' }),
  })
  .strict()
  .meta({ id: 'MergeRequest' });

const moved = z.array(z.object({ id: z.string(), source: z.string() }));

export const MergeSchema = z
  .object({
    id: z.string(),
    target: z.string(),
    sources: z.array(z.string()),
    actor: z.string().meta({ description: 'API client id, `cli`, `import:<id>` or `auto-merge`' }),
    state: z.enum(['intent', 'pending', 'applied', 'refused', 'undoing', 'undone', 'abandoned']),
    createdAt: z.string(),
    appliedAt: z.string().nullable(),
    undoneAt: z.string().nullable(),
    undoneBy: z.string().nullable(),
    reason: z.string().nullable(),
    erased: z.boolean().meta({ description: 'A persona of this merge was erased: what moved is no longer recorded' }),
    movedCounts: z
      .object({
        identifiers: z.number().int(),
        attributes: z.number().int(),
        links: z.number().int(),
        emailClaims: z.number().int(),
        tombstones: z.number().int(),
      })
      .meta({ description: 'How many items of each kind moved' }),
    movedTruncated: z.boolean().meta({
      description: 'In GET /v1/merges, each moved list shows at most 1,000 items; true when one was cut (GET /v1/merges/{id} lists all)',
    }),
    moved: z.object({
      identifiers: moved,
      attributes: moved,
      links: moved,
      emailClaims: moved,
      tombstones: moved.meta({ description: 'Older tombstones re-pointed from a source to the target (chains stay one hop)' }),
      attributeConflicts: z
        .array(z.object({ source: z.string(), key: z.string(), sourceValue: z.unknown(), targetValue: z.unknown() }))
        .meta({ description: 'Keys both had: the target kept its value; the source value is kept here and restored by undo' }),
      linkConflicts: z.array(z.object({ source: z.string(), id: z.string(), recTypeName: z.string(), recId: z.string() })),
    }),
  })
  .meta({ id: 'Merge' });

export const MergePreviewSchema = MergeSchema.pick({ target: true, sources: true, movedCounts: true, moved: true })
  .extend({
    dryRun: z.literal(true),
    refusals: z
      .array(
        z.object({
          code: z.enum(['rules.identifier_blocked', 'rules.limit_exceeded', 'rules.unique_kind']),
          rule: z
            .string()
            .meta({ description: "The rule's path in the identity rules, e.g. `unique[0]`, `blocked.defaults.test_address`" }),
          message: z.string(),
        }),
      )
      .meta({
        description:
          'The identity rule the merge would break (the merge itself answers it as an error); empty when the merge would be applied',
      }),
  })
  .meta({
    id: 'MergePreview',
    description:
      'What the merge would move now, which attribute conflicts keep which value, and the rule that would refuse it; nothing written',
  });

export const MergeQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: '`true`: validate and answer what would move (200, MergePreview) without merging' }),
});

export const MERGE_LIST: ListSpec = {
  resource: 'merges',
  fields: {
    id: { path: '_id', type: 'id', sortable: true },
    persona: { type: 'id' },
    target: { path: 'target', type: 'id' },
    sources: { path: 'sources', type: 'id' },
    actor: { path: 'actor', type: 'string', stackable: true },
    state: { path: 'state', type: 'string', stackable: true },
    createdAt: { path: 'createdAt', type: 'date', sortable: true },
    appliedAt: { path: 'appliedAt', type: 'date' },
    undoneAt: { path: 'undoneAt', type: 'date' },
  },
  shorthands: ['persona', 'state'],
  defaultSort: [{ field: 'createdAt', direction: -1 }],
};
