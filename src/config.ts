// The one place that reads the environment: every setting, its default and its validation.
// loadConfig() fails with one message listing every bad variable, so a misconfigured start stops at once.
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const positiveInt = z.coerce.number().int().positive();

export const configSchema = z
  .object({
    STORE: z.enum(['embedded', 'mongodb']).default('embedded').describe('storage adapter'),
    DATA_DIR: z.string().min(1).default('./data').describe('embedded store directory'),
    EMBEDDED_MAP_SIZE_GB: positiveInt.default(64).describe('embedded store maximum size (sparse file)'),
    MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
    MONGODB_DB: z.string().min(1).default('persona-resolver'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 10mb').default('10mb'),
    QUEUE: z.enum(['auto', 'inline', 'bullmq']).default('auto'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
    QUEUE_NAME: z.string().min(1).default('persona-statements'),
    QUEUE_BATCH_SIZE: positiveInt.default(1000),
    WORKER_CONCURRENCY: positiveInt.default(2),
    RESOLVER_BATCH_SIZE: positiveInt.default(1000),
    RESOLVE_AUTHORITY: booleanFromEnv.default(false),
    LINK_MBOX_SHA1SUM: booleanFromEnv.default(true),
    DEFAULT_ACCOUNT_HOMEPAGE: z.string().url().optional(),
    METRICS_TOKEN: z.string().min(1).optional(),
  })
  .superRefine((value, context) => {
    if (value.STORE === 'mongodb' && !value.MONGODB_URL) {
      context.addIssue({ code: 'custom', path: ['MONGODB_URL'], message: 'is required when STORE=mongodb' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape).flatMap((key) => (env[key] === undefined || env[key] === '' ? [] : [[key, env[key]]])),
  );
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
