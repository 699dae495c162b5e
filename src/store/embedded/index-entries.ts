// Which index entries a document has. MongoDB rules: a missing field is indexed as null; an array is indexed by
// each of its elements (multikey); a sparse index skips a document that has none of its fields.
// Unique index entry: key = [index id][values] → _id bytes. Non-unique: key = [index id][values][_id] → _id bytes.
import type { Document, IndexKeys, SortDirection } from '../port.ts';
import { KeyWriter, writeValue } from './index-keys.ts';

export interface IndexDefinition {
  /** Number allocated by the catalogue: the 4-byte prefix of every entry of this index. */
  id: number;
  collection: string;
  name: string;
  key: IndexKeys;
  unique: boolean;
  sparse: boolean;
}

/** A compound index of several array fields would index their cross product; cap it like a sane engine would. */
const MAX_ENTRIES_PER_DOCUMENT = 10_000;

export function indexPrefix(id: number): Buffer {
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32BE(id);
  return prefix;
}

export function splitPath(path: string): string[] {
  return path.split('.');
}

/** Every value a document holds at a dotted path, descending into arrays as MongoDB does; missing → null. */
export function valuesAtPath(document: unknown, parts: string[]): unknown[] {
  const out: unknown[] = [];
  collect(document, parts, 0, out);
  return out;
}

function collect(value: any, parts: string[], depth: number, out: unknown[]): void {
  if (depth === parts.length) {
    if (!Array.isArray(value)) out.push(value ?? null);
    else if (value.length === 0) out.push(null);
    else for (const element of value) out.push(element ?? null);
    return;
  }
  if (Array.isArray(value)) {
    const position = /^\d+$/.test(parts[depth]) ? Number(parts[depth]) : -1;
    if (position >= 0) collect(value[position], parts, depth + 1, out);
    else if (value.length === 0) out.push(null);
    else for (const element of value) collect(element, parts, depth, out);
    return;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) collect(value[parts[depth]], parts, depth + 1, out);
  else out.push(null);
}

/** Plain (non-multikey) value at a path, undefined when missing; used for error messages and sparse checks. */
export function valueAtPath(document: unknown, parts: string[]): unknown {
  let value: any = document;
  for (const part of parts) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[part];
  }
  return value;
}

export function indexFields(definition: IndexDefinition): Array<{ parts: string[]; direction: SortDirection }> {
  return Object.entries(definition.key).map(([path, direction]) => ({ parts: splitPath(path), direction }));
}

interface CompiledIndex {
  prefix: Buffer;
  fields: Array<{ path: string; parts: string[]; direction: SortDirection; isTopLevel: boolean }>;
}

// Definitions are immutable and the catalogue hands out the same objects until it reloads: compile each once.
const compiledIndexes = new WeakMap<IndexDefinition, CompiledIndex>();

function compileIndex(definition: IndexDefinition): CompiledIndex {
  let compiled = compiledIndexes.get(definition);
  if (!compiled) {
    compiled = {
      prefix: indexPrefix(definition.id),
      fields: Object.entries(definition.key).map(([path, direction]) => ({
        path,
        parts: splitPath(path),
        direction,
        isTopLevel: !path.includes('.'),
      })),
    };
    compiledIndexes.set(definition, compiled);
  }
  return compiled;
}

const NOT_PLAIN = Symbol('not plain');
const sharedWriter = new KeyWriter();

/** The value at a path when no array lies on the way or at the end (NOT_PLAIN otherwise); missing → undefined. */
function plainValueAt(document: Document, field: CompiledIndex['fields'][number]): unknown {
  let value: any = field.isTopLevel ? document[field.path] : document;
  if (!field.isTopLevel) {
    for (const part of field.parts) {
      if (Array.isArray(value)) return NOT_PLAIN;
      if (value === null || typeof value !== 'object' || value instanceof Date) return undefined;
      value = value[part];
    }
  }
  return Array.isArray(value) ? NOT_PLAIN : value;
}

/** The entry keys of one document in one index (deduplicated), or [] when a sparse index skips it. */
export function indexEntryKeys(document: Document, definition: IndexDefinition, idBytes: Buffer): Buffer[] {
  // Common case first: no array on any indexed path, so exactly one entry, built in one pass.
  const compiled = compileIndex(definition);
  const writer = sharedWriter;
  writer.length = 0;
  writer.raw(compiled.prefix);
  let isAnyPresent = false;
  for (const field of compiled.fields) {
    const value = plainValueAt(document, field);
    if (value === NOT_PLAIN) return multikeyEntryKeys(document, definition, idBytes);
    if (value !== undefined) isAnyPresent = true;
    writeValue(writer, value ?? null, field.direction);
  }
  if (definition.sparse && !isAnyPresent) return [];
  if (!definition.unique) writer.raw(idBytes);
  return [writer.toBuffer()];
}

/** Entry keys when arrays are involved: one per element (cross product over fields), as MongoDB's multikey indexes. */
function multikeyEntryKeys(document: Document, definition: IndexDefinition, idBytes: Buffer): Buffer[] {
  const fields = indexFields(definition);
  if (definition.sparse && fields.every((field) => valueAtPath(document, field.parts) === undefined)) return [];
  let keys: Buffer[] = [indexPrefix(definition.id)];
  for (const field of fields) {
    const components = new Map<string, Buffer>();
    for (const value of valuesAtPath(document, field.parts)) {
      const writer = new KeyWriter();
      writeValue(writer, value, field.direction);
      const component = writer.toBuffer();
      components.set(component.toString('latin1'), component);
    }
    const next: Buffer[] = [];
    for (const key of keys) for (const component of components.values()) next.push(Buffer.concat([key, component]));
    if (next.length > MAX_ENTRIES_PER_DOCUMENT) throw new Error(`document has too many index entries for index ${definition.name}`);
    keys = next;
  }
  return definition.unique ? keys : keys.map((key) => Buffer.concat([key, idBytes]));
}

/** `{ field: value }` of a document for an index, as MongoDB reports it in keyValue. */
export function indexKeyValue(document: Document, definition: IndexDefinition): Record<string, any> {
  const keyValue: Record<string, any> = {};
  for (const path of Object.keys(definition.key)) keyValue[path] = valueAtPath(document, splitPath(path)) ?? null;
  return keyValue;
}

/** MongoDB's generated index name: `organisation_1_ifi.key_1`. */
export function defaultIndexName(keys: IndexKeys): string {
  return Object.entries(keys)
    .map(([path, direction]) => `${path}_${direction}`)
    .join('_');
}
