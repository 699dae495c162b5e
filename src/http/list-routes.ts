// The two read routes of a listable resource, declared once: `GET <path>` (a page, or stacked groups with stack=) and
// `GET <path>/count`, both parsing and documenting the same ListSpec, so list and count accept the same filters and
// every list renders its page the same way.
import type { z } from 'zod';
import type { Scope } from '../domain/model.ts';
import type { Caller } from '../core/caller.ts';
import type { Document } from '../store/port.ts';
import type { ListSpec } from '../core/list/list-fields.ts';
import { parseListQuery, type ListQuery } from '../core/list/list-query.ts';
import { stackItems, type Page } from '../core/list/paginate.ts';
import { CountSchema, defineRoute, listQueryDoc, type RouteKit } from './route-kit.ts';

export interface ListRoutes<P extends Page<Document>> {
  /** OpenAPI form of the list; the count is `<path>/count`. */
  path: string;
  scope: Scope;
  tags: string[];
  spec: ListSpec;
  list: { summary: string; response: { description: string; schema: z.ZodType } };
  count: { summary: string };
  find(caller: Caller, query: ListQuery): Promise<P>;
  /** The API shape of one item of the page `found`. */
  view(item: P['items'][number], found: P, query: ListQuery): unknown;
  countOf(caller: Caller, query: ListQuery): Promise<number>;
}

export function defineListRoutes<P extends Page<Document>>(kit: RouteKit, routes: ListRoutes<P>): void {
  const { path, scope, tags, spec } = routes;
  const parse = (query: unknown) => parseListQuery(spec, query as Record<string, unknown>);

  defineRoute(kit, {
    method: 'get',
    path,
    scope,
    tags,
    summary: routes.list.summary,
    query: listQueryDoc(spec),
    responses: { 200: routes.list.response },
    async handler(req, res, caller) {
      const query = parse(req.query);
      const found = await routes.find(caller, query);
      const rendered = found.items.map((raw) => ({ raw, rendered: routes.view(raw, found, query) }));
      res.json({ data: query.stack ? stackItems(rendered, query.stack.path) : rendered.map((item) => item.rendered), page: found.page });
    },
  });

  defineRoute(kit, {
    method: 'get',
    path: `${path}/count`,
    scope,
    tags,
    summary: routes.count.summary,
    query: listQueryDoc(spec),
    responses: { 200: { description: 'The count', schema: CountSchema } },
    async handler(req, res, caller) {
      res.json({ count: await routes.countOf(caller, parse(req.query)) });
    },
  });
}
