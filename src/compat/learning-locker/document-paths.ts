// Dotted-path access into stored documents ("ifi.value.homePage"), shared by cursors and projections.
import { isPlainObject } from '../../domain/plain-object.ts';
export function getPath(document: unknown, path: string): unknown {
  let value: any = document;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[part];
  }
  return value;
}

export function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part];
  }
  node[parts[parts.length - 1]] = value;
}
