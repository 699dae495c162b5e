// Request URLs as the request log writes them: identifiers are personal data (email addresses in `mbox=`, account
// names in `/v1/personas/user/{userId}`, filters naming them), so every query value is replaced by `[redacted]`
// except the paging and shaping parameters that never hold one, and any path segment that looks like an address or
// an IRI is replaced too. The route stays readable for diagnosis: `/v1/personas/by-identifier?mbox=[redacted]`.
const SAFE_PARAMETERS = new Set([
  'limit',
  'offset',
  'skip',
  'first',
  'last',
  'sort',
  'include',
  'wait',
  'cascade',
  'stack',
  'select',
  'populate',
  'project',
  'hint',
  'count',
]);
const REDACTED = '[redacted]';
/** A path segment that may be an identifier: an address (`@`, `%40`), an IRI or mailto (`:`, `%3A`). */
const IDENTIFYING_SEGMENT = /@|%40|:|%3a/i;

export function redactedUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const redactedPath = path
    .split('/')
    .map((segment) => (IDENTIFYING_SEGMENT.test(segment) ? REDACTED : segment))
    .join('/');
  if (queryStart === -1) return redactedPath;
  const parameters = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return equals === -1 || SAFE_PARAMETERS.has(name) ? pair : `${name}=${REDACTED}`;
    });
  return `${redactedPath}?${parameters.join('&')}`;
}
