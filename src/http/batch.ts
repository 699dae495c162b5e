// Batch endpoints (native-api.md "Conventions"): an array of at most 1000 items, answered 200 with one result per
// item in order; one bad item never blocks the others. Items run one after another (each may touch several documents).
import { ObjectId } from 'bson';
import { ApiError, apiError } from '../core/errors/api-error.ts';
import type { ErrorCode } from '../core/errors/error-registry.ts';
import { isObjectIdText } from '../domain/object-id-text.ts';

export const MAX_BATCH_ITEMS = 1000;

export interface BatchItemResult {
  index: number;
  status: number;
  id: string | null;
  error: { code: string; message: string; details: ApiError['details'] } | null;
}

export async function runBatch(
  items: unknown[],
  handle: (item: unknown, index: number) => Promise<{ status: number; id: string | null }>,
): Promise<{ results: BatchItemResult[] }> {
  if (items.length > MAX_BATCH_ITEMS) throw apiError('request.batch_too_large', { max: MAX_BATCH_ITEMS, count: items.length });
  const results: BatchItemResult[] = [];
  for (const [index, item] of items.entries()) {
    try {
      const { status, id } = await handle(item, index);
      results.push({ index, status, id, error: null });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const id = typeof (item as { id?: unknown })?.id === 'string' ? (item as { id: string }).id : null;
      results.push({ index, status: error.status, id, error: { code: error.code, message: error.message, details: error.details } });
    }
  }
  return { results };
}

/** A path id: 24 hex or 400 with the route's code (`personas.invalid_persona_id`). */
export function parseId(raw: unknown, code: ErrorCode): ObjectId {
  if (!isObjectIdText(raw)) throw apiError(code, { id: String(raw).slice(0, 100) });
  return new ObjectId(raw);
}
