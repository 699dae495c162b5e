// Schemas of persona attributes: a key (1-200 characters) with a string, number or boolean value.
import { z } from 'zod';
import type { ListSpec } from '../../http/list/list-fields.ts';
import { objectIdText } from '../identifiers/identifiers.schemas.ts';

/** Longest attribute string value, on every surface. */
export const MAX_ATTRIBUTE_STRING_LENGTH = 10_000;

// `$`-prefixed keys and NUL are refused as MongoDB refuses them in field names; `__proto__` because a JSON object
// of attributes cannot carry it through a JavaScript object (it would be dropped on create and kept by PUT).
export const AttributeKeySchema = z.string({ error: 'attributes.invalid_key' }).min(1, { error: 'attributes.invalid_key' })
  .max(200, { error: 'attributes.invalid_key' })
  .refine((key) => !key.startsWith('$') && !key.includes('\0') && key !== '__proto__', { error: 'attributes.invalid_key' });

export const AttributeValueSchema = z.union([z.string().max(MAX_ATTRIBUTE_STRING_LENGTH), z.number().finite(), z.boolean()], { error: 'attributes.invalid_value' })
  .meta({ description: 'string, number or boolean', example: 'grade-7' });

export const AttributePutSchema = z.object({ value: AttributeValueSchema }).strict().meta({ id: 'AttributePut' });

/**
 * `attributes` of a persona create: an object of key → value. zod's record skips an own `__proto__` key silently
 * (JSON.parse makes one), so it is refused here as AttributeKeySchema refuses it in a PUT's path.
 */
export const AttributeMapSchema = z.preprocess((input, context) => {
  if (input !== null && typeof input === 'object' && Object.hasOwn(input, '__proto__')) {
    context.issues.push({ code: 'custom', message: 'attributes.invalid_key', input, path: ['__proto__'] });
  }
  return input;
}, z.record(AttributeKeySchema, AttributeValueSchema)).meta({ example: { cohort: '2024-a', level: 3 } });

export const AttributeSchema = z.object({
  id: objectIdText,
  persona: objectIdText,
  key: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]),
  createdAt: z.string().nullable().meta({ format: 'date-time' }),
  updatedAt: z.string().nullable().meta({ format: 'date-time' }),
}).meta({ id: 'Attribute' });

export const ATTRIBUTE_LIST: ListSpec = {
  resource: 'attributes',
  fields: {
    id: { path: '_id', type: 'id', sortable: true },
    persona: { path: 'personaId', type: 'id', sortable: true, stackable: true },
    key: { path: 'key', type: 'string', sortable: true, stackable: true },
    value: { path: 'value', type: 'scalar', sortable: true },
    createdAt: { path: 'createdAt', type: 'date', sortable: true },
    updatedAt: { path: 'updatedAt', type: 'date', sortable: true },
  },
  shorthands: ['key', 'value', 'persona'],
  defaultSort: [{ field: 'key', direction: 1 }],
};
