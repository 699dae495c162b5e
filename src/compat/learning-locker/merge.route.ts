// POST /mergepersona?mergePersonaFromId=&mergePersonaToId= (compat spec 3.3, 5.2): LL's merge route over the
// journaled, undoable merge of /v1 (identity feature). As LL: a source missing from the organisation (or merged away)
// moves nothing and answers 200 `{"identifierIds": []}`. Unlike LL: a self-merge is 400 and a malformed id 404 (LL
// answered 500 for both), and attributes are resolved by the merge rules instead of duplicated.
import { Router } from 'express';
import { CompatError } from '../../core/errors/compat-error.ts';
import { personaNotFound } from './persona.routes.ts';
import type { LlPorts } from './ports.ts';
import { llRoute, objectIdOr } from './route-kit.ts';

export function mergeRoute(ports: LlPorts): Router {
  const router = Router({ caseSensitive: false, strict: false });
  router.post(
    '/mergepersona',
    llRoute('merge', async (req, res, caller) => {
      const fromText = req.query.mergePersonaFromId;
      const toText = req.query.mergePersonaToId;
      const to = objectIdOr(toText, () => personaNotFound('Persona', String(toText)));
      const from = objectIdOr(fromText, () => personaNotFound('Persona', String(fromText)));
      if (from.equals(to)) {
        throw new CompatError('merges.merge_into_itself', 'Cannot merge a persona into itself', [
          { path: 'mergePersonaFromId', code: 'merges.merge_into_itself', message: 'equals mergePersonaToId' },
        ]);
      }
      const result = await ports.merges.merge(caller, from, to);
      res.json({ identifierIds: result.identifierIds.map((id) => id.toHexString()) });
    }),
  );
  return router;
}
