// GET /connection/persona, /connection/personaidentifier (PS connections, compat spec 4.2) and
// /connection/personaattribute, /connection/personasimport, /connection/personasimporttemplate (LL's generic
// connection, 4.3): filter/sort/project/hint/first/last/after/before.
// The organisation is forced on the filter; merge tombstones are not personas for LL clients.
import { Router, type Request } from 'express';
import { COLLECTIONS } from '../../domain/model.ts';
import { castAttributeFilter } from './attribute-query.ts';
import type { Document, Filter } from '../../store/port.ts';
import { CompatError } from '../../core/errors/compat-error.ts';
import { paginateConnection } from './connection.ts';
import { parseCursorParameter, parseHint, parsePageSize, parseProjection, parseSort } from './connection-params.ts';
import type { CursorFormat } from './cursor-codec.ts';
import { scopeFilter } from './filter-parsing.ts';
import { parseQueryFilter } from './persona-ident.ts';
import { withPersonaCondition } from './identifier.routes.ts';
import { LIVE_PERSONA } from './persona.routes.ts';
import { PERSONAS_IMPORT_TEMPLATES, PERSONAS_IMPORTS, personasImportJson } from './personas-import-model.ts';
import type { LlPorts } from './ports.ts';
import { llRoute } from './route-kit.ts';

interface ConnectionKind {
  path: string;
  collection: string;
  format: CursorFormat;
  extraFilter?: (filter: Filter) => Filter;
  /** The model's JSON of a node, when it is not the stored document. */
  node?: (document: Document) => Record<string, unknown>;
}

/**
 * Index names LL creates (compat spec 1.1-1.3) that we do not keep (our uniqueness is the canonical key): a hint
 * naming one is a tuning directive written for LL's database, so it is dropped rather than refused.
 */
const LL_ONLY_INDEX_NAMES: Record<string, string[]> = {
  [COLLECTIONS.personas]: [],
  [COLLECTIONS.identifiers]: ['organisation_1_ifi_1'],
  [COLLECTIONS.attributes]: ['personaId_key', 'organisation_1', 'personaId_1'],
};

function isLlOnlyHint(collection: string, hint: unknown): boolean {
  const names = LL_ONLY_INDEX_NAMES[collection] ?? [];
  const name =
    typeof hint === 'string'
      ? hint
      : hint && typeof hint === 'object'
        ? Object.entries(hint)
            .map(([key, direction]) => `${key}_${direction}`)
            .join('_')
        : '';
  return names.includes(name) || (name === 'personaId_1_key_1' && names.includes('personaId_key'));
}

const KINDS: ConnectionKind[] = [
  {
    path: '/connection/persona',
    collection: COLLECTIONS.personas,
    format: 'ps',
    extraFilter: (filter) => ({ ...filter, ...LIVE_PERSONA }),
  },
  {
    path: '/connection/personaidentifier',
    collection: COLLECTIONS.identifiers,
    format: 'ps',
    extraFilter: (filter) => withPersonaCondition(filter, 'filter', true),
  },
  // LL's generic connection queries through the mongoose model, which casts hex ids and date text (spec 4.3).
  { path: '/connection/personaattribute', collection: COLLECTIONS.attributes, format: 'generic', extraFilter: castAttributeFilter },
  ...[PERSONAS_IMPORTS, PERSONAS_IMPORT_TEMPLATES].map((collection): ConnectionKind => ({
    path: `/connection/${collection === PERSONAS_IMPORTS ? 'personasimport' : 'personasimporttemplate'}`,
    collection,
    format: 'generic',
    extraFilter: castAttributeFilter,
    node: (document) => personasImportJson(document as never),
  })),
];

function isHintError(error: unknown): boolean {
  return error instanceof Error && !(error instanceof CompatError) && /hint|index/i.test(error.message);
}

export function connectionRoutes(ports: LlPorts): Router {
  const router = Router({ caseSensitive: false, strict: false });
  for (const kind of KINDS) {
    router.get(
      kind.path,
      llRoute('view', async (req: Request, res, caller) => {
        const parsed = await parseQueryFilter(req.query.filter, { parameter: 'filter' }, ports.store, caller.organisation);
        const filter = scopeFilter(kind.extraFilter ? kind.extraFilter(parsed) : parsed, caller.organisation);
        const request = {
          filter,
          sort: parseSort(req.query.sort),
          projection: parseProjection(req.query.project),
          hint: ((hint) => (isLlOnlyHint(kind.collection, hint) ? undefined : hint))(parseHint(req.query.hint)),
          first: parsePageSize(req.query.first, 'first'),
          last: parsePageSize(req.query.last, 'last'),
          after: parseCursorParameter(req.query.after, 'after'),
          before: parseCursorParameter(req.query.before, 'before'),
        };
        try {
          const connection = await paginateConnection(ports.store.collection(kind.collection), request, kind.format);
          const { node } = kind;
          res.json(node ? { ...connection, edges: connection.edges.map((edge) => ({ ...edge, node: node(edge.node) })) } : connection);
        } catch (error) {
          // The store refuses a hint naming no usable index: the client's mistake, not ours.
          if (request.hint && isHintError(error)) {
            throw new CompatError('query.invalid_hint', `hint: ${(error as Error).message}`, [
              { path: 'hint', code: 'query.invalid_hint', message: (error as Error).message },
            ]);
          }
          throw error;
        }
      }),
    );
  }
  return router;
}
