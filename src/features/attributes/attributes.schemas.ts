// Schemas of persona attributes: a key (1-200 characters) with any JSON value except null (LL's `Mixed`; the bounds
// and the rules for keys inside a value are domain/attribute-value.ts).
import { z } from 'zod';
import {
  attributeValueProblem,
  MAX_ATTRIBUTE_VALUE_DEPTH,
  MAX_ATTRIBUTE_VALUE_LENGTH,
  type AttributeValue,
} from '../../domain/attribute-value.ts';
import type { ListSpec } from '../../core/list/list-fields.ts';
import { objectIdText } from '../identifiers/identifiers.schemas.ts';

// `$`-prefixed keys and NUL are refused as MongoDB refuses them in field names; `__proto__` because a JSON object
// of attributes cannot carry it through a JavaScript object (it would be dropped on create and kept by PUT).
export const AttributeKeySchema = z
  .string({ error: 'attributes.invalid_key' })
  .min(1, { error: 'attributes.invalid_key' })
  .max(200, { error: 'attributes.invalid_key' })
  .refine((key) => !key.startsWith('$') && !key.includes('\0') && key !== '__proto__', { error: 'attributes.invalid_key' });

// z.any() passes the parsed value on untouched (a record schema would copy objects, `__proto__` keys included).
export const AttributeValueSchema = z
  .any()
  .superRefine((value, context) => {
    if (value === undefined) {
      context.addIssue({ code: 'custom', message: 'validation.required' });
      return;
    }
    const problem = attributeValueProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: 'attributes.invalid_value', params: { reason: problem } });
  })
  .transform((value) => value as AttributeValue)
  .meta({
    description: `any JSON value except null: string (at most ${MAX_ATTRIBUTE_VALUE_LENGTH} characters), number, boolean, array or object (at most ${MAX_ATTRIBUTE_VALUE_LENGTH} characters of JSON, ${MAX_ATTRIBUTE_VALUE_DEPTH} levels; keys without a leading $, . or NUL)`,
    example: 'grade-7',
  });

export const AttributePutSchema = z.object({ value: AttributeValueSchema }).strict().meta({ id: 'AttributePut' });

/**
 * `attributes` of a persona create: an object of key → value. zod's record skips an own `__proto__` key silently
 * (JSON.parse makes one), so it is refused here as AttributeKeySchema refuses it in a PUT's path.
 */
export const AttributeMapSchema = z
  .preprocess(
    (input, context) => {
      if (input !== null && typeof input === 'object' && Object.hasOwn(input, '__proto__')) {
        context.issues.push({ code: 'custom', message: 'attributes.invalid_key', input, path: ['__proto__'] });
      }
      return input;
    },
    z.record(AttributeKeySchema, AttributeValueSchema),
  )
  .meta({ example: { cohort: '2024-a', level: 3 } });

export const AttributeSchema = z
  .object({
    id: objectIdText,
    persona: objectIdText,
    key: z.string(),
    value: z.any().meta({ description: 'any JSON value except null, as stored' }),
    createdAt: z.string().nullable().meta({ format: 'date-time' }),
    updatedAt: z.string().nullable().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Attribute' });

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
