// One HTTP call to a test server: a JSON body (or a raw one) sent with its content type, no redirects followed, and
// the answer's body parsed as JSON when it is JSON (kept as text otherwise). A secret an answer carries is remembered
// for the whole-run log check (trace-log.ts).
import { rememberSecretsIn } from './trace-log.ts';
export interface HttpAnswer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export async function httpCall(
  url: string,
  method: string,
  options: { authorization?: string; body?: unknown; raw?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.authorization) headers.authorization = options.authorization;
  let body: string | Uint8Array | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(url, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  rememberSecretsIn(parsed);
  return { status: response.status, body: parsed, text, headers: response.headers };
}
