// mingo compares ObjectIds by class as well as by value, and more than one ObjectId class reaches this engine: the
// MongoDB driver's come from bson's CommonJS build, the service's from its ESM build (and a test run under tsx can
// hold a second instance of either). Stored documents always decode to the codec's class, so a filter or pipeline
// is given that class too before mingo sees it; an id of another build would otherwise match nothing.
import { ObjectId } from 'bson';
import { isObjectId } from '../../domain/is-object-id.ts';

function isForeignObjectId(value: object): boolean {
  return isObjectId(value) && Object.getPrototypeOf(value) !== ObjectId.prototype;
}

/** `value` with every ObjectId of another bson build replaced by the codec's class; unchanged parts are shared. */
export function withCodecObjectIds<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (isForeignObjectId(value)) return new ObjectId((value as unknown as ObjectId).id) as T;
  if (Array.isArray(value)) {
    let changed = false;
    const mapped = value.map((item) => {
      const next = withCodecObjectIds(item);
      if (next !== item) changed = true;
      return next;
    });
    return (changed ? mapped : value) as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  let copy: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    const next = withCodecObjectIds(item);
    if (next !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return (copy ?? value) as T;
}
