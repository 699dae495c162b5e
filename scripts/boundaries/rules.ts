// The architecture's "never" rules (docs/architecture.md), in dependency-cruiser's rule format. Paths are relative to
// the folder cruised (the repository, or a test fixture laid out the same way).
export const FORBIDDEN_IMPORTS = [
  {
    name: 'domain-imports-nothing',
    comment: 'domain/ is pure: it imports nothing else of src/',
    severity: 'error',
    from: { path: '^src/domain/' },
    to: { path: '^src/', pathNot: '^src/domain/' },
  },
  {
    name: 'store-knows-no-application',
    comment: 'the store port and its adapters know no feature, core or transport',
    severity: 'error',
    from: { path: '^src/store/' },
    to: { path: '^src/(core|features|workflows|wiring|http|compat|xapi|queue|cli)/' },
  },
  {
    name: 'core-imports-no-transport',
    comment: 'core/ (errors, lists, caller) sits under the services: it imports no feature, no transport, no queue',
    severity: 'error',
    from: { path: '^src/core/' },
    to: { path: '^src/(features|workflows|wiring|http|compat|xapi|queue|cli)/|^src/(app|main)\\.ts$' },
  },
  {
    name: 'services-know-no-transport',
    comment: "a feature's services and helpers import no transport; only its *.routes.ts use the route kit",
    severity: 'error',
    from: { path: '^src/features/', pathNot: '\\.routes\\.ts$' },
    to: { path: '^src/(http|compat|xapi)/' },
  },
  {
    name: 'features-see-only-the-port',
    comment: 'features use the store port, never an adapter (wiring opens stores)',
    severity: 'error',
    from: { path: '^src/(core|features|workflows)/' },
    to: { path: '^src/store/(embedded|mongodb)/|^src/store/open-store\\.ts$' },
  },
] as const;

/**
 * The unit a file belongs to for the cycle rule: a top-level folder of src/ (or a root file), and each feature slice
 * on its own, so that neither top-level folders nor feature slices import each other in a loop.
 */
export function unitOf(path: string): string | null {
  const feature = /^src\/features\/([^/]+)\//.exec(path);
  if (feature) return `src/features/${feature[1]}`;
  const top = /^src\/([^/]+)(\/|$)/.exec(path);
  return top ? `src/${top[1]}` : null;
}
