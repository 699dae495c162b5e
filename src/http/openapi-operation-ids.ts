// Every operation of the OpenAPI document gets an operationId: client generators name their methods after it and
// OpenAPI linters require one, unique. It is derived from the method and the path, so no route has to name itself
// (native and compatibility routes alike) and a renamed path renames its operation.
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const capitalised = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * `get /v1/personas/{id}/attributes` → `getPersonasByIdAttributes`; `delete /api/v2/persona/{personaId}` →
 * `deleteApiV2PersonaByPersonaId`. The native `/v1` prefix is left out: it is in every native path and says nothing.
 */
export function operationIdFor(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean);
  if (segments[0] === 'v1') segments.shift();
  const words = segments.map((segment) => {
    const parameter = /^\{(.+)\}$/.exec(segment);
    if (parameter) return `By${capitalised(parameter[1])}`;
    return segment
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map(capitalised)
      .join('');
  });
  return method.toLowerCase() + words.join('');
}

type Operations = Record<string, Record<string, { operationId?: string } | unknown>>;

/** Sets the derived operationId on every operation that has none; two operations with one id are a route-table bug. */
export function addOperationIds(paths: Operations): void {
  const owners = new Map<string, string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as { operationId?: string } | undefined;
      if (!operation) continue;
      operation.operationId ??= operationIdFor(method, path);
      const owner = owners.get(operation.operationId);
      if (owner) throw new Error(`OpenAPI operationId ${operation.operationId} of ${method} ${path} is already ${owner}'s`);
      owners.set(operation.operationId, `${method} ${path}`);
    }
  }
}
