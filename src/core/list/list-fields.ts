// What a list route accepts in its query string: the public field names it filters, sorts and stacks on, their
// storage paths and types (which decide how `search.<field>.<op>=` values are parsed), dynamic field families
// (`attribute.<key>`, `metadata.<path>`), plain shorthand parameters (`?persona=` means `search.persona.eq=`) and
// the `search=` paths.
export type FieldType = 'id' | 'string' | 'date' | 'boolean' | 'number' | 'scalar' | 'any';

export const OPERATORS = ['eq', 'ne', 'like', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface FieldSpec {
  /** Storage path; absent for fields the service translates itself (identifier.key → persona ids). */
  path?: string;
  type: FieldType;
  sortable?: boolean;
  stackable?: boolean;
}

export interface ListSpec {
  /** Used in OpenAPI descriptions. */
  resource: string;
  fields: Record<string, FieldSpec>;
  /** `prefix.` + anything: e.g. `attribute.` (service-translated) or `metadata.` (stored under `metadata.`). */
  families?: Record<string, { pathPrefix?: string; type: FieldType }>;
  /** Plain parameters that mean `search.<field>.eq`. */
  shorthands?: string[];
  /** Storage paths `search=` matches as a case-insensitive substring (none: `search=` is refused). */
  searchPaths?: string[];
  /** What `search=` matches, for the OpenAPI document (default: a substring of searchPaths). */
  searchDescription?: string;
  defaultSort: Array<{ field: string; direction: 1 | -1 }>;
  includes?: string[];
  /** Extra parameters the route reads itself (`cascade`, `homePage`). */
  extraParameters?: string[];
}

export function fieldSpecOf(spec: ListSpec, field: string): FieldSpec | null {
  if (Object.hasOwn(spec.fields, field)) return spec.fields[field];
  for (const [prefix, family] of Object.entries(spec.families ?? {})) {
    const rest = field.startsWith(prefix) ? field.slice(prefix.length) : '';
    // `__proto__` is never a stored field (MongoDB and mingo both refuse it in a path): an unknown field, 400.
    if (rest !== '' && /^[A-Za-z0-9_\-:]+(\.[A-Za-z0-9_\-:]+)*$/.test(rest) && !rest.split('.').includes('__proto__')) {
      return { path: family.pathPrefix === undefined ? undefined : `${family.pathPrefix}${rest}`, type: family.type };
    }
  }
  return null;
}
