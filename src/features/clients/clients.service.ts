// API clients of an organisation: created with a random key and secret (the secret is shown once and stored only as
// a scrypt hash), listed, revoked. Used by `POST/GET/DELETE /v1/clients`, `persona clients …` and first start. Over
// HTTP a client grants at most the scopes it holds itself (no escalation inside an organisation).
import { randomBytes } from 'node:crypto';
import { ObjectId } from 'bson';
import { COLLECTIONS, SCOPES, type ClientDoc, type OrganisationDoc, type Scope } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { apiError, detail } from '../../core/errors/api-error.ts';
import { hashSecret } from './secret-hash.ts';

export interface NewClient {
  client: ClientDoc;
  /** Shown once; never stored. */
  secret: string;
  /** `Authorization: Bearer <token>`: `<key>.<secret>`. */
  token: string;
}

export interface ClientsService {
  /**
   * `grantorScopes`: the scopes of the API client creating this one, which it can grant at most (403
   * clients.scope_not_held naming the others); the default scopes are then the grantor's. Absent for the operator (CLI).
   */
  create(input: {
    organisation: ObjectId;
    title?: string;
    scopes?: readonly Scope[];
    grantorScopes?: readonly string[];
  }): Promise<NewClient>;
  /** One organisation's clients, or every client (CLI) when organisation is null. Newest last. */
  list(organisation: ObjectId | null): Promise<ClientDoc[]>;
  get(organisation: ObjectId, id: ObjectId): Promise<ClientDoc>;
  /** Revocation is immediate in this process (onRevoked) and within the auth cache period elsewhere. */
  revoke(organisation: ObjectId | null, id: ObjectId): Promise<ClientDoc>;
  /** True when no client exists at all (first start). */
  isEmpty(): Promise<boolean>;
}

export const ALL_SCOPES: readonly Scope[] = SCOPES;

export function bearerToken(key: string, secret: string): string {
  return `${key}.${secret}`;
}

/**
 * The scopes a client holding `grantorScopes` may give a new client: the requested ones if it holds them all (else
 * 403, so a `clients:admin`-only client cannot mint an all-scopes one), by default its own.
 */
export function grantableScopes(requested: readonly Scope[] | undefined, grantorScopes: readonly string[]): readonly Scope[] {
  if (!requested) return SCOPES.filter((scope) => grantorScopes.includes(scope));
  const notHeld = requested.flatMap((scope, index) => (grantorScopes.includes(scope) ? [] : [{ scope, index }]));
  if (notHeld.length === 0) return requested;
  throw apiError(
    'clients.scope_not_held',
    { scopes: notHeld.map(({ scope }) => scope).join(', ') },
    notHeld.map(({ scope, index }) => detail(`scopes[${index}]`, 'clients.scope_not_held', { scopes: scope })),
  );
}

export function createClientsService({ store, onRevoked }: { store: Store; onRevoked?: (key: string) => void }): ClientsService {
  const clients = store.collection<ClientDoc>(COLLECTIONS.clients);
  const organisations = store.collection<OrganisationDoc>(COLLECTIONS.organisations);

  async function requireOrganisation(id: ObjectId): Promise<void> {
    if (!(await organisations.findOne({ _id: id }, { projection: { _id: 1 } })))
      throw apiError('organisations.organisation_not_found', { id: id.toHexString() });
  }

  return {
    async create({ organisation, title, scopes, grantorScopes }) {
      if (grantorScopes) scopes = grantableScopes(scopes, grantorScopes);
      await requireOrganisation(organisation);
      const key = `pk_${randomBytes(12).toString('hex')}`;
      const secret = randomBytes(24).toString('base64url');
      const client: ClientDoc = {
        _id: new ObjectId(),
        organisation,
        title: title ?? 'API client',
        key,
        secretHash: await hashSecret(secret),
        scopes: [...new Set(scopes ?? ALL_SCOPES)],
        createdAt: new Date(),
        revokedAt: null,
      };
      await clients.insertOne(client);
      return { client, secret, token: bearerToken(key, secret) };
    },
    async list(organisation) {
      return clients.find(organisation ? { organisation } : {}, { sort: organisation ? { createdAt: 1, _id: 1 } : { _id: 1 } });
    },
    async get(organisation, id) {
      const client = await clients.findOne({ _id: id, organisation });
      if (!client) throw apiError('clients.client_not_found', { id: id.toHexString() });
      return client;
    },
    async revoke(organisation, id) {
      const client = await clients.findOneAndUpdate(
        organisation ? { _id: id, organisation } : { _id: id },
        { $set: { revokedAt: new Date() } },
        { returnDocument: 'after' },
      );
      if (!client) throw apiError('clients.client_not_found', { id: id.toHexString() });
      onRevoked?.(client.key);
      return client;
    },
    async isEmpty() {
      return (await clients.findOne({}, { projection: { _id: 1 } })) === null;
    },
  };
}
