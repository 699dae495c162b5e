// The one path statements take through resolution, whoever brings them (the API inline or with ?wait=true, a queue
// worker, `persona ingest`): resolve, then run the after-resolution effects (statement write-back stamping, persona
// events) in order. The effects are chosen once, by the wiring (src/wiring/after-resolution.ts); here they are only
// run, so no path can skip them. A throwing effect fails the call: the statements stay resolved, and resolving them
// again (a job's retry, a client's re-send) creates nothing twice and runs the effects again.
import type { ObjectId } from 'bson';
import type { AfterResolveHook, ResolutionResult } from '../../core/resolution-result.ts';

export interface StatementResolution {
  resolveStatements(organisation: ObjectId, statements: unknown[]): Promise<ResolutionResult>;
}

export function createResolutionPipeline({
  resolver,
  afterResolve,
}: {
  resolver: StatementResolution;
  afterResolve: AfterResolveHook[];
}): StatementResolution {
  return {
    async resolveStatements(organisation, statements) {
      const result = await resolver.resolveStatements(organisation, statements);
      for (const effect of afterResolve) await effect(organisation, statements, result);
      return result;
    },
  };
}
