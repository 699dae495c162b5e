// The Learning Locker ports over the services /v1 uses (persona, identifier, attribute, merge): every rule lives in
// those services; this file only converts LL inputs (an `ifi` without `mailto:`, a nameless persona) and turns the
// services' typed errors into LL's texts (compat spec 3.2), keeping our stable code beside them.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type AttributeDoc, type Ifi } from '../../domain/model.ts';
import type { AttributePatch, AttributesService, AttributeValue } from '../../features/attributes/attributes.service.ts';
import type { IdentifiersService } from '../../features/identifiers/identifiers.service.ts';
import { IfiSchema } from '../../features/identifiers/identifiers.schemas.ts';
import type { MergeService } from '../../features/merges/merge.service.ts';
import { writablePersona } from '../../features/personas/persona-guard.ts';
import type { PersonasService } from '../../features/personas/personas.service.ts';
import type { Store } from '../../store/port.ts';
import { CompatError } from '../../core/errors/compat-error.ts';
import type { ErrorCode } from '../../core/errors/error-registry.ts';
import { createLlMergePort } from './merge-adapter.ts';
import type { LlPorts } from './ports.ts';
import { withMailto } from '../../domain/xapi/index.ts';

export interface LlServices {
  personas: PersonasService;
  identifiers: IdentifiersService;
  attributes: AttributesService;
}

const codeOf = (error: unknown) => (error as { code?: string } | null)?.code;

/** Runs a service call; errors whose code is in `texts` become LL errors with that text (status: the registry's LL column). */
async function translated<T>(call: () => Promise<T>, texts: Record<string, string>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = codeOf(error);
    const text = code ? texts[code] : undefined;
    if (!text) throw error;
    const details = (error as { details?: CompatError['details'] }).details;
    throw new CompatError(
      code as ErrorCode,
      text,
      details?.length ? details : [{ path: '', code: code as string, message: (error as Error).message }],
    );
  }
}

/** A persona argument that is missing or merged away is LL's "No model found for Persona with id <id>". */
function personaTexts(id: ObjectId | string, model = 'Persona'): Record<string, string> {
  const text = `No model found for ${model} with id ${String(id)}`;
  return { 'personas.persona_not_found': text, 'personas.persona_is_tombstone': text, 'personas.persona_merged': text };
}

/**
 * LL's IFI input: an `mbox` without `mailto:` gets it (LL's routes did this); then the same IFI schema as /v1
 * (xAPI rules, stored shape). Invalid IFIs are a 400 naming the field (LL stored them).
 */
export function parseLlIfi(raw: unknown): Ifi {
  let input = raw;
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const ifi = input as Record<string, unknown>;
    if (ifi.key === 'mbox' && typeof ifi.value === 'string') input = { ...ifi, value: withMailto(ifi.value) };
  }
  const parsed = IfiSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = ['ifi', ...issue.path.map(String)].join('.');
  const reason =
    (issue as { params?: { reason?: string } }).params?.reason ??
    'is not a valid xAPI identifier (key mbox, mbox_sha1sum, openid or account)';
  throw new CompatError('identifiers.invalid_ifi', `${path}: ${reason}`, [{ path, code: 'identifiers.invalid_ifi', message: reason }]);
}

export function createLlPorts({
  store,
  services,
  mergeService,
}: {
  store: Store;
  services: LlServices;
  mergeService: MergeService;
}): LlPorts {
  const attributes = store.collection<AttributeDoc>(COLLECTIONS.attributes);
  const attributeNotFound = () => new CompatError('attributes.attribute_not_found', 'No model found for Attribute');
  const ownedAttribute = async (organisation: ObjectId, id: ObjectId) => {
    const attribute = await attributes.findOne({ _id: id, organisation });
    if (!attribute) throw attributeNotFound();
    return attribute;
  };

  return {
    store,
    personas: {
      async create(caller, name) {
        // LL personas may be nameless (stored null); the service stores the name it is given.
        return (await services.personas.create(caller, { name: name as string })).persona;
      },
      rename(caller, id, name) {
        return translated(() => services.personas.patch(caller, id, { name }), personaTexts(id, 'personas'));
      },
      remove(caller, id) {
        return translated(() => services.personas.remove(caller, id), {
          ...personaTexts(id),
          'personas.persona_not_found': 'No model found for Persona',
          'personas.persona_has_identifiers': 'Persona cannot be deleted whilst it still has identifiers',
        });
      },
    },
    identifiers: {
      async create(caller, rawIfi, persona) {
        const ifi = parseLlIfi(rawIfi);
        return translated(
          async () => {
            await writablePersona(store, caller.organisation, persona);
            return (await services.identifiers.attach(caller, persona, [ifi]))[0];
          },
          { ...personaTexts(persona), 'identifiers.identifier_exists': 'This model already exists' },
        );
      },
      async upsert(caller, rawIfi, persona) {
        const ifi = parseLlIfi(rawIfi);
        const texts = persona ? personaTexts(persona) : {};
        return (await translated(() => services.identifiers.upsert(caller, { ifi, ...(persona ? { persona } : {}) }), texts)).identifier;
      },
      move(caller, id, persona) {
        return translated(() => services.identifiers.move(caller, id, persona), {
          ...personaTexts(persona),
          'identifiers.identifier_not_found': 'No model found for Persona Identifier',
        });
      },
      remove(caller, id) {
        return translated(() => services.identifiers.remove(caller, id), {
          'identifiers.identifier_not_found': 'No model found for Identifier',
          'identifiers.identifier_has_statements': 'Cannot remove personaIdentifier; statements exists in LRS with ifi',
        });
      },
    },
    attributes: {
      // Our rule (the attribute service's): one value per (persona, key) on a live persona; LL's create of an
      // existing key therefore updates that attribute instead of adding a duplicate (defects 15, 32).
      async create(caller, input) {
        const { attribute } = await translated(
          () => services.attributes.put(caller, input.personaId, input.key, input.value as AttributeValue),
          personaTexts(input.personaId),
        );
        return attribute;
      },
      async update(caller, id, patch) {
        // In place, as ERM's update: the attribute keeps its _id (the URL just used keeps answering) and createdAt.
        const current = await ownedAttribute(caller.organisation, id);
        const personaId = patch.personaId ?? current.personaId;
        const updated = await translated(() => services.attributes.update(caller, id, patch as AttributePatch), personaTexts(personaId));
        if (!updated) throw attributeNotFound();
        return updated;
      },
      async remove(caller, id) {
        const current = await ownedAttribute(caller.organisation, id);
        await translated(() => services.attributes.remove(caller, current.personaId, current.key), {
          ...personaTexts(current.personaId),
          'attributes.attribute_not_found': 'No model found for Attribute',
        });
      },
    },
    merges: createLlMergePort(mergeService),
  };
}
