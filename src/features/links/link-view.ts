// The API shape of a link document.
import type { LinkDoc } from '../../domain/model.ts';

export function linkView(doc: LinkDoc) {
  return {
    id: doc._id.toHexString(),
    persona: doc.persona.toHexString(),
    recTypeName: doc.recTypeName,
    recId: doc.recId,
    metadata: doc.metadata ?? {},
    active: doc.active !== false,
    createdAt: (doc.createdAt ?? doc._id.getTimestamp()).toISOString(),
    updatedAt: (doc.updatedAt ?? doc.createdAt ?? doc._id.getTimestamp()).toISOString(),
  };
}
