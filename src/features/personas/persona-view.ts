// The API shape of a persona, alone or with its identifiers, attributes and links embedded.
import type { AttributeDoc, IdentifierDoc, LinkDoc, PersonaDoc } from '../../domain/model.ts';
import { attributeView } from '../attributes/attribute-view.ts';
import { identifierView } from '../identifiers/identifier-view.ts';
import { linkView } from '../links/link-view.ts';
import { displayNameOf } from '../../domain/xapi/index.ts';
import { seenNameView, type SeenName } from '../names/persona-names.ts';

/** `identifiers`, when the caller has them, let a persona without a name show one of them instead of its id. */
export function personaView(doc: PersonaDoc, identifiers?: IdentifierDoc[]) {
  return {
    id: doc._id.toHexString(),
    name: doc.name ?? null,
    displayName: displayNameOf(doc.name, identifiers?.map((identifier) => identifier.ifi) ?? [], doc._id.toHexString()),
    profile: doc.profile ?? {},
    active: doc.active !== false,
    metadata: doc.metadata ?? {},
    createdAt: doc.createdAt.toISOString(),
    updatedAt: (doc.updatedAt ?? doc.createdAt).toISOString(),
    createdBy: doc.createdBy ?? null,
    updatedBy: doc.updatedBy ?? null,
  };
}

export interface PersonaEmbeds {
  identifiers?: IdentifierDoc[];
  attributes?: AttributeDoc[];
  links?: LinkDoc[];
  /** Every name seen (persona-names.ts), most recent first. */
  names?: SeenName[];
}

export function personaWithEmbedsView(doc: PersonaDoc, embeds: PersonaEmbeds) {
  return {
    ...personaView(doc, embeds.identifiers),
    ...(embeds.identifiers ? { identifiers: embeds.identifiers.map(identifierView) } : {}),
    ...(embeds.attributes ? { attributes: embeds.attributes.map(attributeView) } : {}),
    ...(embeds.links ? { links: embeds.links.map(linkView) } : {}),
    ...(embeds.names ? { names: embeds.names.map(seenNameView) } : {}),
  };
}
