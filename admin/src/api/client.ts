// The typed /v1 client: openapi-fetch over the paths generated from the service's OpenAPI document (build time),
// with the signed-in client's credentials added to every request. `call` turns an answer into its data or throws
// the ApiError the screens show.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './generated/schema';
import { apiErrorOf } from './api-error.ts';
import { readCredentials, authorizationOf } from '../auth/session.ts';

export type { paths, components } from './generated/schema';

const withCredentials: Middleware = {
  onRequest({ request }) {
    const credentials = readCredentials(sessionStorage);
    if (credentials) request.headers.set('Authorization', authorizationOf(credentials));
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(withCredentials);

/** The data of a successful answer, or throws its ApiError. */
export async function call<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw apiErrorOf(response.status, error);
  return data as T;
}

/** Plain fetch with the credentials, for what openapi-fetch does not model well (file downloads, multipart uploads). */
export async function fetchWithCredentials(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const credentials = readCredentials(sessionStorage);
  if (credentials) headers.set('Authorization', authorizationOf(credentials));
  const response = await fetch(path, { ...init, headers });
  if (!response.ok) throw apiErrorOf(response.status, await response.json().catch(() => null));
  return response;
}
