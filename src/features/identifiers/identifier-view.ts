// The API shape of an identifier document.
import type { IdentifierDoc } from '../../domain/model.ts';

export interface IdentifierView {
  id: string;
  persona: string;
  ifi: IdentifierDoc['ifi'];
  createdAt: string;
  updatedAt: string;
}

export function identifierView(doc: IdentifierDoc): IdentifierView {
  return {
    id: doc._id.toHexString(),
    persona: doc.persona.toHexString(),
    ifi: doc.ifi,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: (doc.updatedAt ?? doc.createdAt).toISOString(),
  };
}
