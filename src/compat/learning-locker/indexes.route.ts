// GET /indexes/personaattribute|personasimport|personasimporttemplate (compat spec 3.7 #29): the collection's
// indexes as LL lists them, `[{"key": {...}, "name": "..."}]`. The import models live in LL's own collections.
import { Router } from 'express';
import { COLLECTIONS } from '../../domain/model.ts';
import { PERSONAS_IMPORT_TEMPLATES, PERSONAS_IMPORTS } from './personas-import-model.ts';
import type { LlPorts } from './ports.ts';
import { llRoute } from './route-kit.ts';

const COLLECTION_OF: Record<string, string | null> = {
  personaattribute: COLLECTIONS.attributes,
  personasimport: PERSONAS_IMPORTS,
  personasimporttemplate: PERSONAS_IMPORT_TEMPLATES,
};

export function indexesRoute(ports: LlPorts): Router {
  const router = Router({ caseSensitive: false, strict: false });
  router.get(
    '/indexes/:model',
    llRoute('view', async (req, res) => {
      const model = String(req.params.model).toLowerCase();
      if (!Object.hasOwn(COLLECTION_OF, model)) {
        res.status(404).json({
          errorId: crypto.randomUUID(),
          message: `No indexes for ${model}`,
          error: { code: 'request.route_not_found', message: `No indexes for ${model}` },
        });
        return;
      }
      const collection = COLLECTION_OF[model];
      const indexes = collection ? await ports.store.collection(collection).listIndexes() : [];
      res.json(indexes.map((index) => ({ key: index.key, name: index.name })));
    }),
  );
  return router;
}
