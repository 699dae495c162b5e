// LL's merge port over the identity feature's merge service (the same journaled, undoable merge as /v1), with LL's
// error texts: an unknown target is "No model found for Persona with id <to>"; a source that was already merged
// away is answered like LL's missing source would be, but as 404 instead of a silent 200.
import { ObjectId } from 'bson';
import type { MergeService } from '../../features/merges/merge.service.ts';
import { CompatError } from '../compat-error.ts';
import type { LlMergePort } from './ports.ts';

export function createLlMergePort(mergeService: MergeService): LlMergePort {
  return {
    async merge(caller, from, to) {
      try {
        const view = await mergeService.mergePersonas({ organisation: caller.organisation, targetId: to, sourceIds: [from], actor: caller.clientId });
        return { identifierIds: view.moved.identifiers.map((entry) => new ObjectId(entry.id)) };
      } catch (error) {
        const code = (error as { code?: string }).code;
        const isSource = ((error as { details?: Array<{ path?: string }> }).details ?? []).some((detail) => detail.path?.startsWith('from'));
        if (code === 'personas.persona_not_found' || code === 'merges.target_is_tombstone' || code === 'merges.source_is_tombstone') {
          const id = isSource || code === 'merges.source_is_tombstone' ? from : to;
          throw new CompatError(404, 'personas.persona_not_found', `No model found for Persona with id ${id.toHexString()}`, [
            { path: isSource || code === 'merges.source_is_tombstone' ? 'mergePersonaFromId' : 'mergePersonaToId', code: code as string, message: (error as Error).message },
          ]);
        }
        throw error;
      }
    },
  };
}
