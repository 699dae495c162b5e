// Request and response schemas of /v1/identifiers: they validate requests and generate the OpenAPI document.
// An IFI's value rules are the xAPI domain's (validateIfi), the same a statement's agents are checked against.
import { z } from 'zod';
import type { Ifi } from '../../domain/model.ts';
import { toStoredIfi, validateIfi } from '../../domain/xapi/index.ts';
import type { ListSpec } from '../../core/list/list-fields.ts';
import { OBJECT_ID_TEXT } from '../../domain/object-id-text.ts';

const INVALID_IFI = 'identifiers.invalid_ifi';
export const objectIdText = z.string().regex(OBJECT_ID_TEXT).meta({ description: '24-hex ObjectId', example: '65f1c0ffee0000000000abcd' });

export const IfiSchema = z
  .object(
    {
      key: z.enum(['mbox', 'mbox_sha1sum', 'openid', 'account'], { error: INVALID_IFI }),
      value: z.union([z.string(), z.object({ homePage: z.string(), name: z.string() })], { error: INVALID_IFI }),
    },
    { error: INVALID_IFI },
  )
  .strict()
  .superRefine((ifi, context) => {
    const problem = validateIfi(ifi, 'ifi');
    if (problem) {
      const path = problem.path.split('.').slice(1);
      context.addIssue({ code: 'custom', message: INVALID_IFI, path, params: { reason: problem.message } });
    }
  })
  .transform((ifi): Ifi => toStoredIfi({ [ifi.key]: ifi.value }))
  .meta({
    id: 'Ifi',
    description:
      'An xAPI inverse functional identifier: mbox (mailto: IRI), mbox_sha1sum (40 hex), openid (absolute URI) or account {homePage, name}.',
    example: { key: 'account', value: { homePage: 'https://lms.example.org', name: 'learner-42' } },
  });

export const IdentifierCreateSchema = z
  .object({
    ifi: IfiSchema,
    persona: objectIdText
      .optional()
      .meta({ description: 'Attach to (or move to) this persona; absent: an existing identifier stays, a new one gets a new persona.' }),
  })
  .strict()
  .meta({ id: 'IdentifierUpsert' });

export const IdentifierMoveSchema = z.object({ persona: objectIdText }).strict().meta({ id: 'IdentifierMove' });

export const IdentifierSchema = z
  .object({
    id: objectIdText,
    persona: objectIdText,
    ifi: IfiSchema,
    createdAt: z.string().meta({ format: 'date-time' }),
    updatedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Identifier' });

export const IDENTIFIER_LIST: ListSpec = {
  resource: 'identifiers',
  fields: {
    id: { path: '_id', type: 'id', sortable: true },
    persona: { path: 'persona', type: 'id', sortable: true, stackable: true },
    'ifi.key': { path: 'ifi.key', type: 'string', sortable: true, stackable: true },
    'ifi.value': { type: 'string' },
    createdAt: { path: 'createdAt', type: 'date', sortable: true },
    updatedAt: { path: 'updatedAt', type: 'date', sortable: true },
  },
  shorthands: ['persona', 'ifi.key', 'ifi.value'],
  defaultSort: [{ field: 'createdAt', direction: 1 }],
};
