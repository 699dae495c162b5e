// Wires the compatibility surfaces into the app: Learning Locker's `/api` and `/crud/personas`, both over the /v1
// services and authenticated by the same client authenticator (Basic key:secret as LL clients send, or our Bearer).
// The composition root mounts the routers through createHttpApp's extraRouters and registers their OpenAPI paths.
import type { Request, RequestHandler } from 'express';
import type { ClientAuthenticator } from '../features/clients/client-authenticator.ts';
import type { Caller } from '../core/caller.ts';
import type { ErasureScrubber } from '../features/erasure/erasure.service.ts';
import { createImportService } from '../features/imports/imports.service.ts';
import { createMergeService, type MergeService } from '../features/merges/merge.service.ts';
import { clientAddress, parseAuthorization } from '../http/auth/authenticate.ts';
import type { Store } from '../store/port.ts';
import { createCrudRouter } from './crud/personas.router.ts';
import { createLearningLockerApi } from './learning-locker/api.router.ts';
import { createLlImportCsvScrubber } from './learning-locker/import-csv-scrubber.ts';
import { createLlImportService } from './learning-locker/personas-import.service.ts';
import { createLlPorts, type LlServices } from './learning-locker/service-adapter.ts';

export { registerCompatOpenApi } from './compat-openapi.ts';

/** The LL routes as LL's API process registers them, without `/api` (compat spec 3.1). */
const LL_BARE_PATHS =
  /^\/(v2\/(persona|personaidentifier|personaattribute)(\/|$)|connection\/(persona|personaidentifier|personaattribute)\/?$|mergepersona\/?$|indexes\/(personaattribute|personasimport|personasimporttemplate)\/?$|v2\/(personasimport|personasimporttemplate)(\/|$)|connection\/(personasimport|personasimporttemplate)\/?$|(uploadpersonas|importpersonas|uploadpersona)\/?$|organisation\/[^/]+\/importpersonaserror\/)/i;

export interface CompatSurfaceOptions {
  store: Store;
  services: LlServices & { authenticator: ClientAuthenticator };
  /** The merge service /v1 uses (same journal, same hooks); one over the store when the app has none. */
  mergeService?: MergeService;
  bodyLimit?: string;
  /** Largest uploaded CSV (UPLOAD_LIMIT). */
  uploadLimitBytes?: number;
}

/**
 * What a persona erasure must also scrub from the compat surfaces' own data: Learning Locker's stored import CSVs.
 * The API (app.ts) and the CLI give these to the erasure service, so both erase the same things.
 */
export function compatErasureScrubbers(store: Store): ErasureScrubber[] {
  return [createLlImportCsvScrubber(store)];
}

/** Credentials → the caller, null (401), or 'organisation_expired' (LL answers 403). */
export function callerAuthenticator(authenticator: ClientAuthenticator): (req: Request) => Promise<Caller | 'organisation_expired' | null> {
  return async (req) => {
    const credentials = parseAuthorization(req.headers.authorization);
    if (!credentials) return null;
    const outcome = await authenticator.authenticate(credentials.key, credentials.secret, clientAddress(req));
    if (outcome.ok) return outcome.caller;
    return outcome.reason === 'organisation_expired' ? 'organisation_expired' : null;
  };
}

export interface CompatSurface {
  routers: Array<{ path: string; router: RequestHandler }>;
  /** Resolves when no Learning Locker CSV import is running any more (for a clean shutdown). */
  idle(): Promise<void>;
}

export function createCompatRouters(options: CompatSurfaceOptions): CompatSurface {
  const authenticateCaller = callerAuthenticator(options.services.authenticator);
  const mergeService = options.mergeService ?? createMergeService({ store: options.store });
  const ports = createLlPorts({ store: options.store, services: options.services, mergeService });
  // LL's CSV import runs through the identity import service (the same factory /v1 uses) and the app's merge service.
  const llImports = createLlImportService({ store: options.store, imports: createImportService({ store: options.store, mergeService }) });
  const learningLocker = createLearningLockerApi({
    ports,
    authenticateCaller,
    bodyLimit: options.bodyLimit,
    llImports,
    uploadLimitBytes: options.uploadLimitBytes,
  });
  // LL's API process serves these paths bare (its nginx strips `/api`); clients configured that way keep working.
  const bare: RequestHandler = (req, res, next) => (LL_BARE_PATHS.test(req.path) ? learningLocker(req, res, next) : next());
  return {
    routers: [
      { path: '/api', router: learningLocker },
      { path: '/', router: bare },
      {
        path: '/crud',
        router: createCrudRouter({ personas: options.services.personas, authenticate: authenticateCaller, bodyLimit: options.bodyLimit }),
      },
    ],
    idle: () => llImports.idle(),
  };
}
