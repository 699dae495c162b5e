// The one place the identity-management features are wired (merges, duplicates, imports, erasure): their services
// over one store, the statement write-back hooks when write-back is on, and their routes on the /v1 kit. The app's
// close() awaits close() here, so a running background import finishes before the store closes.
import type { Config } from '../config.ts';
import { createCursorCodec, type CursorCodec } from '../core/list/cursor.ts';
import { loadCursorSecret } from '../core/list/cursor-secret.ts';
import type { RouteKit } from '../http/route-kit.ts';
import type { Collection, Store } from '../store/port.ts';
import { registerDuplicateRoutes } from '../features/duplicates/duplicates.routes.ts';
import { createDuplicatesService, type DuplicatesService } from '../features/duplicates/duplicates.service.ts';
import { registerErasureRoutes } from '../features/erasure/erasure.routes.ts';
import { createErasureService, type ErasureScrubber, type ErasureService } from '../features/erasure/erasure.service.ts';
import { registerImportRoutes } from '../features/imports/imports.routes.ts';
import { createImportService, type ImportService } from '../features/imports/imports.service.ts';
import { createIdentityWriteBack } from '../features/merges/identity-write-back.ts';
import { afterMergeChangeOf, type MergeEffectHooks } from '../features/merges/merge-effects.ts';
import { recoverMerges } from '../features/merges/merge-recovery.ts';
import { startInterruptedImportSweep } from '../features/imports/interrupted-imports.ts';
import { createMergeService, type MergeService } from '../features/merges/merge.service.ts';
import { registerMergeRoutes } from '../features/merges/merges.routes.ts';

/** `writeBack` also removes stamps on erasure; `onMergeChange` publishes persona events (merge-effects.ts). */
export interface IdentityFeatureOptions extends MergeEffectHooks {
  store: Store;
  cursors: CursorCodec;
  /** Attribute keys whose equal values mark the same person (duplicate suggestions), e.g. ['employeeNumber']. */
  identifyingAttributes?: string[];
  /** Merge certain duplicate pairs automatically (off by default). */
  autoMergeCertain?: boolean;
  uploadDir?: string;
  maxImportBytes?: number;
  /** Scrub the erased identifiers from other surfaces' data (the composition root registers them). */
  erasureScrubbers?: ErasureScrubber[];
  /** How long a running import's lease lasts (IMPORT_LEASE_MS). */
  importLeaseMs?: number;
  /** Imports this process runs at once; more are refused 503 imports.busy (IMPORTS_MAX_RUNNING). */
  importsMaxRunning?: number;
}

export interface IdentityFeature {
  merges: MergeService;
  duplicates: DuplicatesService;
  imports: ImportService;
  erasure: ErasureService;
  registerRoutes(kit: RouteKit): void;
  /** Waits for background imports to end. */
  close(): Promise<void>;
}

export type IdentityServicesOptions = Omit<IdentityFeatureOptions, 'cursors' | 'uploadDir' | 'maxImportBytes'>;

/**
 * The identity services over one store, wired to each other and to the write-back and event hooks: the one
 * construction the API (below) and the CLI's identity commands share, so a merge, import or erasure has the same
 * effects from either.
 */
export function createIdentityServices(options: IdentityServicesOptions): Omit<IdentityFeature, 'registerRoutes' | 'close'> {
  const { store, writeBack } = options;
  const merges = createMergeService({ store, afterChange: afterMergeChangeOf(options) });
  const duplicates = createDuplicatesService({
    store,
    identifyingAttributes: options.identifyingAttributes,
    autoMergeCertain: options.autoMergeCertain,
    mergeService: merges,
  });
  const imports = createImportService({ store, mergeService: merges, leaseMs: options.importLeaseMs });
  const erasure = createErasureService({
    store,
    scrubbers: options.erasureScrubbers,
    afterErase: writeBack ? (erased) => writeBack.afterErase(erased) : undefined,
  });
  return { merges, duplicates, imports, erasure };
}

export function createIdentityFeature(options: IdentityFeatureOptions): IdentityFeature {
  const { store, cursors } = options;
  const { merges, duplicates, imports, erasure } = createIdentityServices(options);
  const running = new Set<Promise<unknown>>();
  return {
    merges,
    duplicates,
    imports,
    erasure,
    registerRoutes(kit) {
      registerMergeRoutes(kit, { store, cursors, merges });
      registerDuplicateRoutes(kit, { store, duplicates });
      registerErasureRoutes(kit, { store, erasure });
      registerImportRoutes(kit, {
        imports,
        uploadDir: options.uploadDir,
        maxFileBytes: options.maxImportBytes,
        running: () => running.size,
        maxRunning: options.importsMaxRunning,
        track(done) {
          const settled = done.catch(() => {}).finally(() => running.delete(settled));
          running.add(settled);
        },
      });
    },
    async close() {
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * For the composition root: completes merges and undos a crash interrupted (before any route can see a half-merged
 * persona), with their write-back and events as any merge of this process, and builds the feature;
 * `writeBackStatements` (write-back on) is the target the root opened and closes.
 */
export async function startIdentityFeature(
  config: Config,
  store: Store,
  hooks: Pick<IdentityFeatureOptions, 'onMergeChange' | 'erasureScrubbers'> & { writeBackStatements?: Collection | null } = {},
): Promise<IdentityFeature> {
  const statements = hooks.writeBackStatements;
  const writeBack = statements ? createIdentityWriteBack({ store, statements, person: config.WRITE_BACK_PERSON }) : null;
  await recoverMerges(store, { afterChange: afterMergeChangeOf({ writeBack, onMergeChange: hooks.onMergeChange }) });
  const feature = createIdentityFeature({
    store,
    cursors: createCursorCodec(await loadCursorSecret(store)),
    writeBack,
    onMergeChange: hooks.onMergeChange,
    erasureScrubbers: hooks.erasureScrubbers,
    identifyingAttributes: config.DUPLICATE_IDENTIFYING_ATTRIBUTES,
    autoMergeCertain: config.AUTO_MERGE_CERTAIN,
    maxImportBytes: config.UPLOAD_LIMIT,
    importLeaseMs: config.IMPORT_LEASE_MS,
    importsMaxRunning: config.IMPORTS_MAX_RUNNING,
  });
  // Imports a killed process left in `processing` are marked failed (a client sends the file again).
  const sweep = startInterruptedImportSweep(store, config.IMPORT_LEASE_MS, () => {
    /* the next sweep tries again */
  });
  return {
    ...feature,
    async close() {
      await sweep.stop();
      await feature.close();
    },
  };
}
