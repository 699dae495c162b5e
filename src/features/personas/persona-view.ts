// The API shape of a persona, alone or with its identifiers, attributes and links embedded.
import type { AttributeDoc, IdentifierDoc, LinkDoc, PersonaDoc } from '../../domain/model.ts';
import { attributeView } from '../attributes/attribute-view.ts';
import { identifierView } from '../identifiers/identifier-view.ts';
import { linkView } from '../links/link-view.ts';

export function personaView(doc: PersonaDoc) {
  return {
    id: doc._id.toHexString(), name: doc.name ?? null, profile: doc.profile ?? {}, active: doc.active !== false,
    metadata: doc.metadata ?? {}, createdAt: doc.createdAt.toISOString(), updatedAt: (doc.updatedAt ?? doc.createdAt).toISOString(),
    createdBy: doc.createdBy ?? null, updatedBy: doc.updatedBy ?? null,
  };
}

export interface PersonaEmbeds {
  identifiers?: IdentifierDoc[];
  attributes?: AttributeDoc[];
  links?: LinkDoc[];
}

export function personaWithEmbedsView(doc: PersonaDoc, embeds: PersonaEmbeds) {
  return {
    ...personaView(doc),
    ...(embeds.identifiers ? { identifiers: embeds.identifiers.map(identifierView) } : {}),
    ...(embeds.attributes ? { attributes: embeds.attributes.map(attributeView) } : {}),
    ...(embeds.links ? { links: embeds.links.map(linkView) } : {}),
  };
}
