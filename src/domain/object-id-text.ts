// How an ObjectId is written in URLs, query parameters, cursors and JSON bodies: 24 hexadecimal characters, any case.
export const OBJECT_ID_TEXT = /^[0-9a-fA-F]{24}$/;

export function isObjectIdText(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID_TEXT.test(value);
}
