// Loading one persona for a route or a write, within the caller's organisation: a missing persona (or one of another
// organisation) is 404; a merge tombstone redirects reads (308 to the persona it was merged into) and refuses writes.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type PersonaDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { ApiError, apiError } from '../../core/errors/api-error.ts';

export function personaNotFound(id: ObjectId): ApiError {
  return apiError('personas.persona_not_found', { id: id.toHexString() });
}

/** `subresource`: the same sub-path of the target (`/person`), so that following the redirect reads the same thing. */
export function personaMoved(id: ObjectId, target: ObjectId, subresource = ''): ApiError {
  return new ApiError('personas.persona_merged', {
    params: { id: id.toHexString(), target: target.toHexString() },
    headers: { Location: `/v1/personas/${target.toHexString()}${subresource}` },
  });
}

/** The OpenAPI responses of a route that reads a persona with readPersona: 308 for a tombstone, 404 when missing. */
export function personaReadResponses(subresource = '') {
  return {
    308: {
      description: `Merged: Location names ${subresource ? `${subresource} of ` : ''}the persona it was merged into`,
      headers: { Location: { description: `/v1/personas/{target}${subresource}` } },
    },
    404: { description: 'personas.persona_not_found' },
  };
}

/** For reads: the persona, or 404, or 308 to the merge target (its `subresource` when given). */
export async function readPersona(store: Store, organisation: ObjectId, id: ObjectId, subresource = ''): Promise<PersonaDoc> {
  const persona = await store.collection<PersonaDoc>(COLLECTIONS.personas).findOne({ _id: id, organisation });
  if (!persona) throw personaNotFound(id);
  if (persona.mergedInto) throw personaMoved(id, persona.mergedInto, subresource);
  return persona;
}

/** For writes: the live persona, or 404 (missing), or 409 (a tombstone cannot be changed). */
export async function writablePersona(store: Store, organisation: ObjectId, id: ObjectId): Promise<PersonaDoc> {
  const persona = await store.collection<PersonaDoc>(COLLECTIONS.personas).findOne({ _id: id, organisation });
  if (!persona) throw personaNotFound(id);
  if (persona.mergedInto) {
    throw apiError('personas.persona_is_tombstone', { id: id.toHexString(), target: persona.mergedInto.toHexString() });
  }
  return persona;
}
