// Small builders for xAPI statements and agents used across tests, and the real-statement corpus (test/fixtures/xapi).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const XAPI_FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'xapi');

export type AgentLike = Record<string, unknown>;

export const agents = {
  mbox: (address: string, name?: string): AgentLike => ({ objectType: 'Agent', mbox: `mailto:${address}`, ...(name ? { name } : {}) }),
  sha1: (hex: string): AgentLike => ({ objectType: 'Agent', mbox_sha1sum: hex }),
  account: (homePage: string, accountName: string): AgentLike => ({ objectType: 'Agent', account: { homePage, name: accountName } }),
  openid: (uri: string): AgentLike => ({ objectType: 'Agent', openid: uri }),
};

/** A minimal valid statement with `actor` and, optionally, an instructor. */
export function statementBy(actor: AgentLike, extra: { instructor?: AgentLike } = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    actor,
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
    object: { id: 'http://example.org/activity/1', objectType: 'Activity' },
    ...(extra.instructor ? { context: { instructor: extra.instructor } } : {}),
  };
}

export function readJsonLines<T = unknown>(fileName: string): T[] {
  return readFileSync(join(XAPI_FIXTURES_DIR, fileName), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export const validCorpus = (): unknown[] => readJsonLines('xapi-valid-statements.jsonl');
export const invalidCorpus = (): Array<{ reason: string; statement: unknown }> => readJsonLines('xapi-invalid-statements.jsonl');
