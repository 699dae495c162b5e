// LL's `$personaIdent` (compat spec 3.1, LL's convert$personaIdent): after parsing, every
// `{"$personaIdent": {"key": "persona.import.<k>", "value": v}}` becomes `{"$in": [personaIds]}`, the personaIds
// of the caller's organisation's attributes with key `k` and value `v` (another organisation's are never read).
// parseFilter (with `personaIdent: true`) has already checked where the operator stands and what it holds.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type AttributeDoc } from '../../domain/model.ts';
import type { Filter, Store } from '../../store/port.ts';
import { parseFilter, PERSONA_IDENT, type ParseFilterOptions } from './filter-parsing.ts';
import { isPlainObject } from '../../domain/plain-object.ts';

/** The attribute key LL looks up: its `key.replace('persona.import.', '')`, so a key without the prefix is used as is. */
export function attributeKeyOf(identKey: string): string {
  return identKey.replace('persona.import.', '');
}

function containsPersonaIdent(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsPersonaIdent);
  if (!isPlainObject(value)) return false;
  return PERSONA_IDENT in value || Object.values(value).some(containsPersonaIdent);
}

/** Replaces every `$personaIdent` condition of a checked filter; a filter without one is returned as is. */
export async function expandPersonaIdents(filter: Filter, store: Store, organisation: ObjectId): Promise<Filter> {
  if (!containsPersonaIdent(filter)) return filter;
  const attributes = store.collection<AttributeDoc>(COLLECTIONS.attributes);
  const personaIdsOf = async (operand: { key: string; value: unknown }): Promise<ObjectId[]> => {
    const found = await attributes.find({ organisation, key: attributeKeyOf(operand.key), value: operand.value } as Filter, {
      projection: { _id: 0, personaId: 1 },
    });
    // One id per persona (a persona may hold the value twice in LL data), in a stable order.
    const unique = new Map(found.map((attribute) => [String(attribute.personaId), attribute.personaId]));
    return [...unique.keys()].sort().map((hex) => unique.get(hex) as ObjectId);
  };
  const expand = async (value: unknown): Promise<unknown> => {
    if (Array.isArray(value)) return Promise.all(value.map(expand));
    if (!isPlainObject(value)) return value;
    if (PERSONA_IDENT in value) return { $in: await personaIdsOf(value[PERSONA_IDENT]) };
    const expanded: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) expanded[key] = await expand(child);
    return expanded;
  };
  return (await expand(filter)) as Filter;
}

/** LL's parseQuery for a route that has its caller: parse and check, then expand `$personaIdent` in the organisation. */
export async function parseQueryFilter(
  raw: unknown,
  options: Omit<ParseFilterOptions, 'personaIdent'>,
  store: Store,
  organisation: ObjectId,
): Promise<Filter> {
  return expandPersonaIdents(parseFilter(raw, { ...options, personaIdent: true }), store, organisation);
}
