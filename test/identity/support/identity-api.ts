// Helpers for the identity HTTP tests: the real app (test/http's startTestApi over a temp embedded store) plus
// small builders that create personas through the API, as a client would.
import { expect } from 'chai';
import type { TestApi, Credentials } from '../../http/http-support.ts';

export { startTestApi, basic, type TestApi, type Credentials } from '../../http/http-support.ts';

export interface Ifi {
  mbox?: string;
  mbox_sha1sum?: string;
  openid?: string;
  account?: { homePage: string; name: string };
}

export const mboxIfi = (address: string) => ({ key: 'mbox', value: `mailto:${address}` });
export const accountIfi = (homePage: string, name: string) => ({ key: 'account', value: { homePage, name } });

/** Creates a persona (with identifiers and attributes) through POST /v1/personas; answers its id. */
export async function createPersona(
  api: TestApi,
  input: { name?: string; identifiers?: unknown[]; attributes?: Record<string, unknown> } = {},
  auth?: Credentials,
): Promise<string> {
  const answer = await api.request('POST', '/v1/personas', { body: { name: input.name ?? 'Someone', ...input }, auth });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  return answer.body.id as string;
}

export async function createLink(api: TestApi, persona: string, recTypeName: string, recId: string): Promise<string> {
  const answer = await api.request('POST', '/v1/persona-links', { body: { persona, recTypeName, recId } });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  return answer.body.id as string;
}

export function expectError(answer: { status: number; body: any }, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.body.error.code, JSON.stringify(answer.body)).to.equal(code);
}

export const unknownId = () => '0123456789abcdef01234567';
