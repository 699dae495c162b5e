// The two meanings "an object" has in this code, each defined once. A JSON object is what a parsed request body
// holds where an object is expected (anything but null, an array or a scalar). A plain object is an object literal
// (prototype Object.prototype or none): what filter and update documents nest, as opposed to the values they compare,
// such as an ObjectId, a Date or a RegExp.

export function isJsonObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPlainObject(value: unknown): value is Record<string, any> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
