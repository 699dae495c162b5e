// Schemas of /v1/clients.
import { z } from 'zod';
import { SCOPES } from '../../domain/model.ts';
import { objectIdText } from '../identifiers/identifiers.schemas.ts';

export const ClientCreateSchema = z
  .object({
    title: z.string().min(1).max(200).optional().meta({ example: 'LMS connector' }),
    scopes: z
      .array(z.enum(SCOPES, { error: 'clients.invalid_scope' }))
      .min(1)
      .optional()
      .meta({
        description: "At most the caller's own scopes; default: the caller's scopes",
        example: ['statements:write', 'personas:read'],
      }),
  })
  .strict()
  .meta({ id: 'ClientCreate' });

export const ClientSchema = z
  .object({
    id: objectIdText,
    organisation: objectIdText,
    title: z.string(),
    key: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    createdAt: z.string().meta({ format: 'date-time' }),
    revokedAt: z.string().nullable().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Client' });

export const NewClientSchema = ClientSchema.extend({
  secret: z.string().meta({ description: 'Shown once' }),
  token: z.string().meta({ description: 'Authorization: Bearer <token> (key.secret)' }),
}).meta({ id: 'NewClient' });

export const MeSchema = z
  .object({
    client: z.object({ id: objectIdText, title: z.string(), key: z.string() }),
    organisation: z.object({ id: objectIdText, name: z.string() }),
    scopes: z.array(z.enum(SCOPES)),
  })
  .meta({ id: 'Me' });
