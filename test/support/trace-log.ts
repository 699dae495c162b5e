// A whole-run log check (test/http/secrets-never-logged-suites.test.ts): with PERSONA_TRACE_LOG=<file> set, every test
// app logs at trace level into that file instead of nowhere, and every client secret or token the test apps create or
// answer is appended to <file>.secrets, so one grep after the run can check that none reached a log line.
import { appendFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';

const TRACE_LOG = process.env.PERSONA_TRACE_LOG;

/** The test apps' logger: silent, or trace level into PERSONA_TRACE_LOG. */
export function testLogger(): Logger {
  return TRACE_LOG ? pino({ level: 'trace' }, pino.destination({ dest: TRACE_LOG, append: true, sync: true })) : pino({ level: 'silent' });
}

/** Remembers a secret for the whole-run check (nothing without PERSONA_TRACE_LOG). */
export function rememberSecret(secret: unknown): void {
  if (TRACE_LOG && typeof secret === 'string' && secret.length >= 8) appendFileSync(`${TRACE_LOG}.secrets`, `${secret}\n`);
}

/** Remembers the secret and token of an answer that carries them (client creation and rotation). */
export function rememberSecretsIn(body: unknown): void {
  if (!TRACE_LOG || body === null || typeof body !== 'object') return;
  rememberSecret((body as { secret?: unknown }).secret);
  rememberSecret((body as { token?: unknown }).token);
}
