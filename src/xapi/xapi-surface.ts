// Wires the xAPI surface (issue 16) for the composition root: the /xapi router, its OpenAPI paths, and the /v1 route
// that serves the same Person object by persona id. One Person reader serves both.
import type { Config } from '../config.ts';
import type { ClientAuthenticator } from '../features/clients/client-authenticator.ts';
import { createPersonReader } from '../features/personas/persona-person.ts';
import { registerPersonaPersonRoute } from '../features/personas/persona-person.routes.ts';
import type { Resolver } from '../features/resolver/resolver.service.ts';
import type { StatementSink } from '../features/statements/statement-sink.ts';
import type { RouteKit } from '../http/route-kit.ts';
import type { Store } from '../store/port.ts';
import { registerXapiOpenApi } from './xapi-openapi.ts';
import { createXapiRouter } from './xapi-router.ts';

export interface XapiSurfaceOptions {
  store: Store;
  config: Pick<Config, 'BODY_LIMIT' | 'RATE_LIMIT_PER_MINUTE' | 'LINK_MBOX_SHA1SUM'>;
  services: { resolver: Resolver; authenticator: ClientAuthenticator };
  /** The sink POST /v1/statements uses, so both surfaces resolve (or queue) alike. */
  sink: StatementSink;
}

export function createXapiSurface({ store, config, services, sink }: XapiSurfaceOptions) {
  const persons = createPersonReader({ store, resolver: services.resolver, linkMboxSha1sum: config.LINK_MBOX_SHA1SUM });
  return {
    /** Mounted at /xapi. */
    router: createXapiRouter({
      authenticator: services.authenticator,
      sink,
      persons,
      bodyLimit: config.BODY_LIMIT,
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    }),
    /** GET /v1/personas/{id}/person, and the /xapi paths of the OpenAPI document. */
    registerRoutes(kit: RouteKit) {
      registerPersonaPersonRoute(kit, { store, persons });
      registerXapiOpenApi(kit.openapi);
    },
  };
}
