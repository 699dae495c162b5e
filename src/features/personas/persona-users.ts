// /v1/personas/by-user?userId=: the persona of the `account` identifier named userId, with the homePage from the
// request or DEFAULT_ACCOUNT_HOMEPAGE. Without any homePage, a userId that names accounts of several personas is a
// 409 listing them. PUT replaces that persona's fields, or creates the persona with the account when it is unknown.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type IdentifierDoc, type Ifi, type PersonaDoc } from '../../domain/model.ts';
import { validateIfi } from '../../domain/xapi/index.ts';
import type { Store } from '../../store/port.ts';
import { apiError, validationFailed } from '../../core/errors/api-error.ts';
import type { Caller } from '../../core/caller.ts';
import type { IdentifiersService } from '../identifiers/identifiers.service.ts';
import { readPersona } from './persona-guard.ts';
import type { PersonaCreateInput, PersonaFields, PersonaWithEmbeds } from './personas.service.ts';

export interface PersonaUsers {
  byUser(caller: Caller, userId: string, homePage?: string): Promise<PersonaWithEmbeds>;
  /** Answers whether the persona was created. */
  putByUser(
    caller: Caller,
    userId: string,
    homePage: string | undefined,
    fields: PersonaFields,
  ): Promise<PersonaWithEmbeds & { wasCreated: boolean }>;
}

export function createPersonaUsers(context: {
  store: Store;
  identifiers: IdentifiersService;
  defaultHomePage?: string;
  create(caller: Caller, input: PersonaCreateInput): Promise<PersonaWithEmbeds>;
  replace(caller: Caller, id: ObjectId, fields: PersonaFields): Promise<PersonaDoc>;
  withEmbeds(caller: Caller, persona: PersonaDoc): Promise<PersonaWithEmbeds>;
}): PersonaUsers {
  const identifiers = context.store.collection<IdentifierDoc>(COLLECTIONS.identifiers);

  function accountIfi(userId: string, homePage: string): Ifi {
    const ifi: Ifi = { key: 'account', value: { homePage, name: userId } };
    const problem = validateIfi(ifi, 'ifi');
    if (problem)
      throw validationFailed('personas', [
        {
          path: problem.path === 'ifi.value.homePage' ? 'query.homePage' : 'userId',
          code: 'identifiers.invalid_ifi',
          message: problem.message,
        },
      ]);
    return ifi;
  }

  /** The identifier of the user's account, or null; 409 when ambiguous. */
  async function findAccount(caller: Caller, userId: string, homePage?: string): Promise<IdentifierDoc | null> {
    const home = homePage ?? context.defaultHomePage;
    if (home) return context.identifiers.findByIfi(caller, accountIfi(userId, home));
    const matches = await identifiers.find(
      { organisation: caller.organisation, 'ifi.key': 'account', 'ifi.value.name': userId },
      { limit: 50 },
    );
    const personas = new Set(matches.map((match) => match.persona.toHexString()));
    if (personas.size > 1) {
      throw apiError(
        'personas.user_ambiguous',
        { userId },
        matches.map((match) => ({
          path: 'query.homePage',
          code: 'personas.user_ambiguous',
          message: `persona ${match.persona.toHexString()} has the account ${JSON.stringify(match.ifi.value)}`,
        })),
      );
    }
    return matches[0] ?? null;
  }

  return {
    async byUser(caller, userId, homePage) {
      const identifier = await findAccount(caller, userId, homePage);
      if (!identifier) throw apiError('personas.persona_not_found', { id: `of user ${userId}` });
      return context.withEmbeds(caller, await readPersona(context.store, caller.organisation, identifier.persona));
    },
    async putByUser(caller, userId, homePage, fields) {
      const identifier = await findAccount(caller, userId, homePage);
      if (identifier) {
        const persona = await context.replace(caller, identifier.persona, fields);
        return { ...(await context.withEmbeds(caller, persona)), wasCreated: false };
      }
      const home = homePage ?? context.defaultHomePage;
      if (!home) throw apiError('personas.user_home_page_required');
      return { ...(await context.create(caller, { ...fields, identifiers: [accountIfi(userId, home)] })), wasCreated: true };
    },
  };
}
