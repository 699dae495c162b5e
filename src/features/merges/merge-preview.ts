// A merge's dry run: exactly what applyMergeSteps (merge-steps.ts) would journal for these personas as they are now,
// computed by reading only. It follows the steps' order and rules: sources in order, each source's attributes
// compared with the target's as they would be after the earlier sources moved (the target keeps its value on a
// conflict), links compared the same way, then email claims and older tombstones re-pointed to the target.
import type { ObjectId } from 'bson';
import {
  COLLECTIONS,
  type AttributeDoc,
  type EmailClaimDoc,
  type IdentifierDoc,
  type LinkDoc,
  type PersonaDoc,
} from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { emptyMoves, type MergeMoves } from './merge-moves.ts';

const linkKey = (link: Pick<LinkDoc, 'recTypeName' | 'recId'>) => `${link.recTypeName}\u0000${link.recId}`;

export async function previewMergeMoves(store: Store, organisation: ObjectId, target: ObjectId, sources: ObjectId[]): Promise<MergeMoves> {
  const moves = emptyMoves();
  const scope = { organisation, personaId: { $in: [target, ...sources] } };
  const [attributes, links] = await Promise.all([
    store.collection<AttributeDoc>(COLLECTIONS.attributes).find(scope, { sort: { _id: 1 } }),
    store.collection<LinkDoc>(COLLECTIONS.links).find({ organisation, persona: { $in: [target, ...sources] } }, { sort: { _id: 1 } }),
  ]);
  const targetValues = new Map(attributes.filter((a) => a.personaId.equals(target)).map((a) => [a.key, a.value]));
  const targetLinks = new Set(links.filter((link) => link.persona.equals(target)).map(linkKey));
  for (const source of sources) {
    const [identifiers, claims, tombstones] = await Promise.all([
      store
        .collection<IdentifierDoc>(COLLECTIONS.identifiers)
        .find({ organisation, persona: source }, { projection: { _id: 1 }, sort: { _id: 1 } }),
      store
        .collection<EmailClaimDoc>(COLLECTIONS.emailClaims)
        .find({ organisation, persona: source }, { projection: { _id: 1 }, sort: { _id: 1 } }),
      store.collection<PersonaDoc>(COLLECTIONS.personas).find({ organisation, mergedInto: source }, { projection: { _id: 1 } }),
    ]);
    moves.identifiers.push(...identifiers.map(({ _id }) => ({ _id, source })));
    moves.claims.push(...claims.map(({ _id }) => ({ _id, source })));
    moves.tombstones.push(...tombstones.map(({ _id }) => ({ _id, source })));
    for (const attribute of attributes.filter((a) => a.personaId.equals(source))) {
      if (targetValues.has(attribute.key)) {
        moves.attributeConflicts.push({
          source,
          key: attribute.key,
          sourceValue: attribute.value,
          targetValue: targetValues.get(attribute.key)!,
          attribute,
        });
      } else {
        moves.attributes.push({ _id: attribute._id, source });
        targetValues.set(attribute.key, attribute.value);
      }
    }
    // The steps compare a source's links with the target's as read before that source's links move.
    const sourceLinks = links.filter((link) => link.persona.equals(source));
    for (const link of sourceLinks) {
      if (targetLinks.has(linkKey(link))) moves.linkConflicts.push({ source, link });
      else moves.links.push({ _id: link._id, source });
    }
    for (const link of sourceLinks) targetLinks.add(linkKey(link));
  }
  return moves;
}
