// The request and answer shapes of the guard rails in GET/PUT /v1/identity-rules (domain/guard-rules.ts). Patterns
// pass the filters' safety check (user-regex.ts): a pattern that could backtrack, or means different things to
// MongoDB, JavaScript and RE2, is refused with rules.unsafe_pattern and the reason.
import { z } from 'zod';
import { DEFAULT_BLOCKS, IFI_KINDS } from '../../domain/guard-rules.ts';
import { userRegexRefusal } from '../../domain/user-regex.ts';

const MAX_RULES = 1000;
const kind = z.enum(IFI_KINDS, { error: 'rules.invalid_kind' });
const homePage = z.string().min(1).max(2048).optional().meta({ description: 'Accounts only: this homePage alone' });

const BlockedValueSchema = z
  .object({
    kind,
    homePage,
    value: z.string().max(2048).meta({
      description:
        'As an agent carries it: `mailto:…` (compared in canonical form; also blocks its SHA-1), a SHA-1, an OpenID URL, an account name',
    }),
  })
  .strict();

const BlockedPatternSchema = z
  .object({
    kind,
    homePage,
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[ims]*$/)
      .optional()
      .meta({ description: 'Options among i, m, s' }),
  })
  .strict()
  .superRefine((entry, context) => {
    const refusal = userRegexRefusal(entry.pattern, entry.flags ?? '');
    if (refusal)
      context.addIssue({ code: 'custom', message: 'rules.unsafe_pattern', path: ['pattern'], params: { reason: refusal.reason } });
  });

const KindLimitSchema = z
  .object({
    kind,
    homePage,
    max: z.number().int().min(1).max(10_000),
    perHomePage: z.boolean().optional().meta({ description: 'Accounts only: the limit holds for each homePage separately' }),
  })
  .strict();

const UniqueKindSchema = z.object({ kind, homePage }).strict();

export const BlockedRulesSchema = z
  .object({
    defaults: z
      .array(z.enum(DEFAULT_BLOCKS, { error: 'rules.invalid_default' }))
      .max(DEFAULT_BLOCKS.length)
      .default([...DEFAULT_BLOCKS])
      .meta({
        description:
          'Built-in blocks that are on (all unless listed otherwise): `blank_account_name` (empty or whitespace account names), `zero_id` (account names of zeros or -1), `placeholder_name` (account names and address local parts anonymous, unknown, null, undefined), `test_address` (test@test.com and its SHA-1), `noreply_address` (noreply@, no-reply@, donotreply@ addresses)',
      }),
    values: z.array(BlockedValueSchema).max(MAX_RULES).default([]),
    patterns: z
      .array(BlockedPatternSchema)
      .max(MAX_RULES)
      .default([])
      .meta({ description: "Regular expressions matched (unanchored) against the value of their kind (an account's name)" }),
  })
  .strict()
  .meta({
    description: 'A blocked identifier never creates or links anything; a statement agent carrying one is reported `blocked` with the rule',
  });

export const guardRulesFields = {
  blocked: BlockedRulesSchema.default({ defaults: [...DEFAULT_BLOCKS], values: [], patterns: [] }),
  limits: z.array(KindLimitSchema).max(MAX_RULES).default([]).meta({
    description:
      'At most `max` identifiers of the kind per persona; a merge, move, API write or import row that would exceed one is refused (409 rules.limit_exceeded)',
  }),
  unique: z.array(UniqueKindSchema).max(MAX_RULES).default([]).meta({
    description:
      'Kinds (an account homePage) a persona holds at most one of: personas that hold one each are never merged (409 rules.unique_kind)',
  }),
};

export const RuleViolationSchema = z
  .object({
    rule: z.string().meta({ description: 'The rule broken, by its path in the rules (`blocked.values[0]`, `limits[1]`)' }),
    persona: z.string(),
    identifier: z.string().optional().meta({ description: 'The blocked identifier (blocked rules)' }),
    canonicalKey: z.string().optional(),
    message: z.string(),
  })
  .meta({ id: 'RuleViolation' });

export const RuleViolationsSchema = z
  .object({
    count: z.number().int().meta({
      description: 'Existing identifiers and personas that break the rules (nothing is changed: fix them by moving, splitting or deleting)',
    }),
    listed: z.array(RuleViolationSchema).meta({ description: 'The first 100' }),
  })
  .meta({ id: 'RuleViolations' });
