// The API shape of an attribute document.
import type { AttributeDoc } from '../../domain/model.ts';

export function attributeView(doc: AttributeDoc) {
  return {
    id: doc._id.toHexString(),
    persona: doc.personaId.toHexString(),
    key: doc.key,
    value: doc.value,
    createdAt: doc.createdAt?.toISOString() ?? null,
    updatedAt: doc.updatedAt?.toISOString() ?? null,
  };
}
