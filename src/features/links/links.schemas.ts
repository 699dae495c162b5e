// Schemas of persona links: a reference from a persona to a record elsewhere (an LMS user, a cohort, a company).
import { z } from 'zod';
import type { ListSpec } from '../../core/list/list-fields.ts';
import { objectIdText } from '../identifiers/identifiers.schemas.ts';
import { OBJECT_ID_TEXT } from '../../domain/object-id-text.ts';

const recTypeName = z
  .string({ error: 'links.invalid_rec_type_name' })
  .min(1, { error: 'links.invalid_rec_type_name' })
  .max(200, { error: 'links.invalid_rec_type_name' })
  .meta({ example: 'lms-user' });
const recId = z
  .string({ error: 'links.invalid_rec_id' })
  .min(1, { error: 'links.invalid_rec_id' })
  .max(200, { error: 'links.invalid_rec_id' })
  .meta({ example: 'u-1842' });
const metadata = z.record(z.string(), z.unknown(), { error: 'personas.invalid_metadata' });

export const LinkCreateSchema = z
  .object({
    persona: z.string({ error: 'links.invalid_persona' }).regex(OBJECT_ID_TEXT, { error: 'links.invalid_persona' }),
    recTypeName,
    recId,
    metadata: metadata.optional(),
    active: z.boolean({ error: 'personas.invalid_active' }).optional(),
  })
  .strict()
  .meta({ id: 'LinkCreate' });

export const LinkUpdateSchema = z
  .object({
    recTypeName: recTypeName.optional(),
    recId: recId.optional(),
    metadata: metadata.optional(),
    active: z.boolean({ error: 'personas.invalid_active' }).optional(),
  })
  .strict()
  .meta({ id: 'LinkUpdate' });

export const LinkSchema = z
  .object({
    id: objectIdText,
    persona: objectIdText,
    recTypeName: z.string(),
    recId: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    active: z.boolean(),
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Link' });

export const LINK_LIST: ListSpec = {
  resource: 'links',
  fields: {
    id: { path: '_id', type: 'id', sortable: true },
    persona: { path: 'persona', type: 'id', sortable: true, stackable: true },
    recTypeName: { path: 'recTypeName', type: 'string', sortable: true, stackable: true },
    recId: { path: 'recId', type: 'string', sortable: true },
    active: { path: 'active', type: 'boolean', sortable: true, stackable: true },
    createdAt: { path: 'createdAt', type: 'date', sortable: true },
    updatedAt: { path: 'updatedAt', type: 'date', sortable: true },
  },
  families: { 'metadata.': { pathPrefix: 'metadata.', type: 'any' } },
  shorthands: ['persona', 'recTypeName', 'recId', 'active'],
  defaultSort: [{ field: 'createdAt', direction: 1 }],
};
