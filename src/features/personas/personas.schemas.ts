// Request and response schemas of /v1/personas; the same objects validate requests and generate the OpenAPI document.
import { z } from 'zod';
import { MAX_PERSONA_NAME_LENGTH } from '../../domain/xapi/index.ts';
import type { ListSpec } from '../../core/list/list-fields.ts';
import { AttributeMapSchema } from '../attributes/attributes.schemas.ts';
import { IfiSchema, objectIdText } from '../identifiers/identifiers.schemas.ts';

export const MAX_BATCH = 1000;

const name = z
  .string({ error: (issue) => (issue.input === undefined ? 'personas.name_required' : 'personas.invalid_name') })
  .trim()
  .min(1, { error: 'personas.name_required' })
  .max(MAX_PERSONA_NAME_LENGTH, { error: 'personas.name_too_long' })
  .meta({ description: '1-200 characters', example: 'Ada Lovelace' });
const profile = z.record(z.string(), z.unknown(), { error: 'personas.invalid_profile' }).meta({
  description: 'Free descriptive JSON: tagline, role, demographics, goalsAndNeeds, painPoints, narrative…',
  example: { tagline: 'Keen learner' },
});
const metadata = z.record(z.string(), z.unknown(), { error: 'personas.invalid_metadata' }).meta({ example: { source: 'lms' } });
const active = z.boolean({ error: 'personas.invalid_active' });

export const PersonaCreateSchema = z
  .object({
    name,
    profile: profile.optional(),
    active: active.optional(),
    metadata: metadata.optional(),
    identifiers: z
      .array(IfiSchema)
      .max(100)
      .optional()
      .meta({ description: 'Identifiers attached in the same call (409 identifiers.identifier_exists when one is assigned)' }),
    attributes: AttributeMapSchema.optional(),
  })
  .strict()
  .meta({ id: 'PersonaCreate' });

/** PUT: replaces the mutable fields (absent profile/metadata become empty, absent active becomes true). */
export const PersonaReplaceSchema = z
  .object({
    name,
    profile: profile.optional(),
    active: active.optional(),
    metadata: metadata.optional(),
  })
  .strict()
  .meta({ id: 'PersonaReplace' });

/** PATCH (JSON merge patch, RFC 7396): null removes profile/metadata keys; name cannot be removed. */
export const PersonaPatchSchema = z
  .object({
    name: name.optional(),
    profile: profile.nullable().optional(),
    active: active.optional(),
    metadata: metadata.nullable().optional(),
  })
  .strict()
  .meta({ id: 'PersonaPatch' });

export const PersonaBatchUpdateItemSchema = PersonaReplaceSchema.extend({ id: objectIdText })
  .strict()
  .meta({ id: 'PersonaBatchUpdateItem' });
export const PersonaBatchDeleteItemSchema = z.object({ id: objectIdText }).strict().meta({ id: 'PersonaBatchDeleteItem' });

export const PersonaSchema = z
  .object({
    id: objectIdText,
    name: z.string().nullable(),
    displayName: z.string().meta({ description: 'Never empty: the name, else an identifier (when embedded), else the id' }),
    profile: z.record(z.string(), z.unknown()),
    active: z.boolean(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
    createdBy: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'Persona' });

export const PERSONA_LIST: ListSpec = {
  resource: 'personas',
  fields: {
    id: { path: '_id', type: 'id', sortable: true },
    name: { path: 'name', type: 'string', sortable: true, stackable: true },
    active: { path: 'active', type: 'boolean', sortable: true, stackable: true },
    createdAt: { path: 'createdAt', type: 'date', sortable: true },
    updatedAt: { path: 'updatedAt', type: 'date', sortable: true },
    createdBy: { path: 'createdBy', type: 'string', sortable: true, stackable: true },
    updatedBy: { path: 'updatedBy', type: 'string', sortable: true, stackable: true },
    metadata: { path: 'metadata', type: 'any' },
    'identifier.key': { type: 'string' },
    'identifier.value': { type: 'string' },
    'linkedTo.recordId': { type: 'string' },
    'linkedTo.recordType': { type: 'string' },
  },
  families: {
    'attribute.': { type: 'scalar' },
    'metadata.': { pathPrefix: 'metadata.', type: 'any' },
    'profile.': { pathPrefix: 'profile.', type: 'any' },
  },
  shorthands: ['active'],
  searchPaths: ['name', 'profile.tagline'],
  searchDescription:
    'Words of the name, profile tagline and identifier values (mbox address, account name, openid, SHA-1), case- and ' +
    'accent-insensitive: every term a whole word except the last, a prefix (`ada lov`, `ada@`). Without sort=, results come in ' +
    'match order (cursors page through any number); with sort= or stack=, at most 100,000 people may match (else 400)',
  defaultSort: [{ field: 'createdAt', direction: 1 }],
  includes: ['identifiers', 'attributes', 'links'],
};

/** Sort orders with an index (after `organisation`): the page runner hints the matching one. */
export const PERSONA_SORT_INDEXES = [
  { createdAt: 1, _id: 1 },
  { updatedAt: 1, _id: 1 },
  { name: 1, _id: 1 },
] as const;
