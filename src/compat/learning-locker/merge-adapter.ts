// LL's merge port over the identity feature's merge service (the same journaled, undoable merge as /v1), with LL's
// answers: an unknown or merged-away target is "No model found for Persona with id <to>" (404); a source that does not
// exist in the organisation, or was already merged away, is 200 with no identifiers moved, as persona-service's
// mergePersona checks only the target (compat spec 5.2) and LL's own tests expect.
import { ObjectId } from 'bson';
import type { MergeService } from '../../features/merges/merge.service.ts';
import { CompatError } from '../../core/errors/compat-error.ts';
import type { LlMergePort } from './ports.ts';

const NOTHING_MOVED = { identifierIds: [] as ObjectId[] };

export function createLlMergePort(mergeService: MergeService): LlMergePort {
  return {
    async merge(caller, from, to) {
      try {
        const view = await mergeService.mergePersonas({
          organisation: caller.organisation,
          targetId: to,
          sourceIds: [from],
          actor: caller.clientId,
        });
        return { identifierIds: view.moved.identifiers.map((entry) => new ObjectId(entry.id)) };
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'merges.source_is_tombstone' || (code === 'personas.persona_not_found' && isAboutSource(error))) return NOTHING_MOVED;
        if (code === 'personas.persona_not_found' || code === 'merges.target_is_tombstone') {
          throw new CompatError('personas.persona_not_found', `No model found for Persona with id ${to.toHexString()}`, [
            { path: 'mergePersonaToId', code, message: (error as Error).message },
          ]);
        }
        throw error;
      }
    },
  };
}

/** The merge service names a missing source at `from[i]`; a missing target has no details. */
function isAboutSource(error: unknown): boolean {
  return ((error as { details?: Array<{ path?: string }> }).details ?? []).some((detail) => detail.path?.startsWith('from'));
}
