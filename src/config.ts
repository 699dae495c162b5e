// The one place that reads the environment: every setting, its default and its validation.
// loadConfig() fails with one message listing every bad variable, so a misconfigured start stops at once.
import bytes from 'bytes';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';

/** What write-back puts in `person.display`: the persona's name (Learning Locker) or its keyed pseudonym. */
export const WRITE_BACK_PERSON_MODES = ['name', 'pseudonym'] as const;
export type WriteBackPerson = (typeof WRITE_BACK_PERSON_MODES)[number];

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const positiveInt = z.coerce.number().int().positive();

export const configSchema = z
  .object({
    STORE: z
      .enum(['embedded', 'mongodb'])
      .default('embedded')
      .describe('storage adapter (unset: mongodb when MONGODB_URL is set, else embedded)'),
    DATA_DIR: z.string().min(1).default('./data').describe('embedded store directory'),
    EMBEDDED_MAP_SIZE_GB: positiveInt.default(64).describe('embedded store maximum size (sparse file)'),
    MONGODB_URL: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
    MONGODB_DB: z.string().min(1).default('persona-resolver'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'must look like 10mb')
      .default('10mb'),
    UPLOAD_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb|gb)$/i, 'must look like 100mb')
      .default('100mb')
      .transform((value) => bytes.parse(value) as number)
      .describe('largest file a multipart import upload may carry (then 413 imports.file_too_large), checked while it streams'),
    QUEUE: z.enum(['auto', 'inline', 'bullmq']).default('auto'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .default('redis://127.0.0.1:6379'),
    QUEUE_NAME: z.string().min(1).default('persona-statements'),
    QUEUE_BATCH_SIZE: positiveInt.default(1000),
    WORKER_CONCURRENCY: positiveInt.default(2),
    API_WORKER_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(0)
      .optional()
      .describe('queue jobs the API process resolves itself; default 1 with QUEUE=auto (so npm start alone resolves), 0 with QUEUE=bullmq'),
    // Unset: `bull-<store id>` once the store is open (queue/store-queue-prefix.ts), see QUEUE_PREFIX_FROM_STORE below.
    QUEUE_PREFIX: z.string().min(1).optional().describe('BullMQ Redis key prefix (default bull-<store id>)'),
    QUEUE_JOB_ATTEMPTS: positiveInt.default(8).describe('attempts of a statement job before it is dead-lettered'),
    QUEUE_BACKOFF_MS: positiveInt.default(1000).describe('first retry delay; doubles per attempt'),
    QUEUE_KEEP_COMPLETED: positiveInt.default(10000).describe('completed jobs kept for GET /v1/jobs/{id}'),
    QUEUE_KEEP_COMPLETED_SECONDS: positiveInt.default(86400),
    QUEUE_HIGH_WATER: positiveInt
      .default(1000)
      .describe('waiting statement jobs from which POSTs of statements are answered 503 queue.backlog with Retry-After (workers behind)'),
    STATEMENTS_MAX_PENDING: positiveInt
      .default(128)
      .describe('statement requests resolved or enqueued at once; more are answered 503 store.busy with Retry-After (store behind)'),
    QUEUE_STARTUP_TIMEOUT_MS: positiveInt.default(2000).describe('how long start-up waits for Redis'),
    JOB_RESULT: z.enum(['full', 'counts']).default('full').describe('what a job returns: the full result document or counts only'),
    WORKER_LOCK_MS: positiveInt.default(30000).describe('a job whose worker stops renewing its lock this long is re-run'),
    WORKER_STALLED_INTERVAL_MS: positiveInt.default(15000),
    WORKER_MAX_STALLED: positiveInt.default(3).describe('lock losses (crashed workers) before a job is dead-lettered'),
    WRITE_BACK_STATEMENTS: booleanFromEnv.default(false).describe('stamp Learning Locker statements with person and personaIdentifier'),
    WRITE_BACK_MONGODB_URL: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional()
      .describe('Learning Locker database; absent: the statements collection of our own store'),
    WRITE_BACK_MONGODB_DB: z.string().min(1).default('learninglocker_v2'),
    WRITE_BACK_COLLECTION: z.string().min(1).default('statements'),
    WRITE_BACK_PERSON: z
      .enum(WRITE_BACK_PERSON_MODES)
      .default('name')
      .describe("what `person.display` holds: the persona's name (Learning Locker) or its keyed pseudonym (turns pseudonymisation on)"),
    BACKFILL_BATCH_SIZE: positiveInt.default(500).describe('statements stamped per back-fill step'),
    BACKFILL_RATE: positiveInt.default(2000).describe('maximum statements stamped per second per worker by back-fills'),
    EVENTS_MAX_LENGTH: positiveInt.default(10000).describe('approximate length of the persona events stream'),
    WEBHOOK_URLS: z.string().optional().describe('comma-separated URLs receiving persona events'),
    WEBHOOK_SECRET: z.string().min(16).optional().describe('HMAC-SHA256 key of the X-Persona-Signature header'),
    WEBHOOK_ATTEMPTS: positiveInt.default(10),
    IMPORT_LEASE_MS: positiveInt
      .default(60_000)
      .describe(
        'a running CSV import renews a lease this long; an import left processing past its lease (its process died) is marked failed, to be sent again',
      ),
    IMPORTS_MAX_RUNNING: positiveInt
      .default(4)
      .describe(
        'CSV imports (POST /v1/imports) one API process runs at once; more are answered 503 imports.busy with Retry-After before the upload is read',
      ),
    RESOLVER_BATCH_SIZE: positiveInt.default(1000),
    MAX_AGENTS_PER_STATEMENT: positiveInt
      .default(1000)
      .describe('a statement naming more agents, groups and members is rejected (statements.too_many_agents)'),
    QUERY_TIMEOUT_MS: positiveInt
      .default(10000)
      .describe(
        'time limit of the reads of one GET request (lists, counts, LL filters): maxTimeMS on MongoDB, a deadline in embedded scans; then 503 query.timeout',
      ),
    MAX_AGENTS_PER_REQUEST: positiveInt
      .default(50000)
      .describe('POST /v1/statements naming more agents in all is refused whole (413 request.too_many_agents)'),
    RESOLVE_AUTHORITY: booleanFromEnv.default(false),
    LINK_MBOX_SHA1SUM: booleanFromEnv.default(true),
    DEFAULT_ACCOUNT_HOMEPAGE: z.string().url().optional(),
    HTTP_HEADERS_TIMEOUT_MS: positiveInt
      .default(20_000)
      .describe('a client must send its request headers within this time, else 408 and the connection closes (slowloris)'),
    HTTP_REQUEST_TIMEOUT_MS: positiveInt
      .default(60_000)
      .describe(
        'a client must send its whole request (headers and body) within this time, else 408 and the connection closes; raise it for slow links uploading large imports',
      ),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt
      .default(5_000)
      .describe(
        "an idle kept-alive connection is closed after this time; behind a load balancer, set it above the balancer's idle timeout",
      ),
    RATE_LIMIT_PER_MINUTE: z.coerce
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('requests per minute per API client on /v1, then 429 (0: no limit)'),
    CORS_ORIGINS: z
      .string()
      .optional()
      .transform((value) =>
        (value ?? '')
          .split(',')
          .map((origin) => origin.trim().replace(/\/$/, ''))
          .filter(Boolean),
      )
      .refine(
        (origins) => origins.every((origin) => origin === '*' || /^https?:\/\/[^/\s]+$/.test(origin)),
        'origins look like https://dashboard.example.org (comma-separated) or *',
      )
      .describe('comma-separated origins whose browser pages may call the API (CORS); off when empty'),
    METRICS_TOKEN: z.string().min(1).optional().describe('when set, /metrics answers only Authorization: Bearer <token>'),
    TRUST_PROXY: z
      .string()
      .min(1)
      .optional()
      .transform((value) =>
        value === undefined ? undefined : value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value,
      )
      .describe("express 'trust proxy': which proxies' X-Forwarded-For names the client address (true, a hop count, or addresses/subnets)"),
    AUTO_MERGE_CERTAIN: booleanFromEnv
      .default(false)
      .describe('POST /v1/duplicates/auto-merge merges certain pairs (an address and its SHA-1); off by default'),
    DUPLICATE_IDENTIFYING_ATTRIBUTES: z
      .string()
      .optional()
      .transform((value) =>
        (value ?? '')
          .split(',')
          .map((key) => key.trim())
          .filter(Boolean),
      )
      .describe('comma-separated attribute keys whose equal values suggest duplicates (e.g. employeeNumber)'),
  })
  .superRefine((value, context) => {
    if (value.STORE === 'mongodb' && !value.MONGODB_URL) {
      context.addIssue({ code: 'custom', path: ['MONGODB_URL'], message: 'is required when STORE=mongodb' });
    }
    if (value.HTTP_HEADERS_TIMEOUT_MS > value.HTTP_REQUEST_TIMEOUT_MS) {
      context.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must not be longer than HTTP_REQUEST_TIMEOUT_MS' });
    }
    if (value.WEBHOOK_URLS && !value.WEBHOOK_SECRET) {
      context.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'is required when WEBHOOK_URLS is set' });
    }
    for (const url of (value.WEBHOOK_URLS ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      if (!/^https?:\/\/\S+$/.test(url))
        context.addIssue({ code: 'custom', path: ['WEBHOOK_URLS'], message: `${url} is not an http(s) URL` });
    }
  });

/**
 * Two installations on one Redis must never share queues (issue 11): without QUEUE_PREFIX the prefix is derived from
 * the store's identity once the store is open (queue/store-queue-prefix.ts); until then it reads `bull`.
 */
export type Config = z.infer<typeof configSchema> & { QUEUE_PREFIX: string; QUEUE_PREFIX_FROM_STORE: boolean };

export { ConfigError };

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape).flatMap((key) => (env[key] === undefined || env[key] === '' ? [] : [[key, env[key]]])),
  );
  // A deployment that sets only MONGODB_URL means MongoDB: running embedded in ./data instead would look healthy
  // and keep its data where nobody expects it (review finding 19). An explicit STORE=embedded still wins.
  if (relevant.STORE === undefined && relevant.MONGODB_URL !== undefined) relevant.STORE = 'mongodb';
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    // One line: start-up prints it as is (README "Exit codes").
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return {
    ...parsed.data,
    QUEUE_PREFIX: parsed.data.QUEUE_PREFIX ?? 'bull',
    QUEUE_PREFIX_FROM_STORE: parsed.data.QUEUE_PREFIX === undefined,
  };
}

/** The webhook URLs of WEBHOOK_URLS (comma-separated; checked above to be http(s) URLs). */
export function webhookUrlsOf(config: Pick<Config, 'WEBHOOK_URLS'>): string[] {
  return (config.WEBHOOK_URLS ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
}
