// Checks `key` + `secret` against the stored scrypt hash and answers the Caller. Verified credentials are cached
// (by key, with a SHA-256 of the secret compared in constant time) so scrypt runs once per client per period; a
// cached entry is re-read from the store after `recheckMs`, so a revocation made by another process (the CLI) takes
// effect within that period, and one made through this process's clients service at once (forget()).
import { createHash, timingSafeEqual } from 'node:crypto';
import { COLLECTIONS, type ClientDoc, type OrganisationDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import type { Caller } from './caller.ts';
import { verifySecret } from './secret-hash.ts';

export type AuthOutcome = { ok: true; caller: Caller } | { ok: false; reason: 'invalid_credentials' | 'organisation_expired' };

export interface ClientAuthenticator {
  authenticate(key: string, secret: string): Promise<AuthOutcome>;
  forget(key: string): void;
}

interface CacheEntry {
  secretDigest: Buffer;
  secretHash: string;
  caller: Caller;
  checkedAt: number;
}

const digest = (secret: string) => createHash('sha256').update(secret).digest();
const MAX_ENTRIES = 10_000;

export function createClientAuthenticator({ store, recheckMs = 5000 }: { store: Store; recheckMs?: number }): ClientAuthenticator {
  const cache = new Map<string, CacheEntry>();
  const clients = store.collection<ClientDoc>(COLLECTIONS.clients);
  const organisations = store.collection<OrganisationDoc>(COLLECTIONS.organisations);

  async function load(key: string): Promise<{ client: ClientDoc; organisation: OrganisationDoc } | null> {
    const client = await clients.findOne({ key });
    if (!client || client.revokedAt) return null;
    const organisation = await organisations.findOne({ _id: client.organisation });
    return organisation ? { client, organisation } : null;
  }

  function outcomeOf(caller: Caller): AuthOutcome {
    const expiration = caller.organisationExpiration;
    if (expiration && expiration.getTime() <= Date.now()) return { ok: false, reason: 'organisation_expired' };
    return { ok: true, caller };
  }

  return {
    async authenticate(key, secret) {
      const given = digest(secret);
      const cached = cache.get(key);
      if (cached && timingSafeEqual(cached.secretDigest, given)) {
        if (Date.now() - cached.checkedAt < recheckMs) return outcomeOf(cached.caller);
        const fresh = await load(key);
        if (!fresh || fresh.client.secretHash !== cached.secretHash) {
          cache.delete(key);
          return { ok: false, reason: 'invalid_credentials' };
        }
        cached.checkedAt = Date.now();
        cached.caller = { ...cached.caller, scopes: fresh.client.scopes, organisationExpiration: fresh.organisation.expiration ?? null };
        return outcomeOf(cached.caller);
      }
      const loaded = await load(key);
      if (!loaded || !(await verifySecret(secret, loaded.client.secretHash))) return { ok: false, reason: 'invalid_credentials' };
      const caller: Caller = {
        organisation: loaded.client.organisation, clientId: loaded.client._id.toHexString(), scopes: loaded.client.scopes,
        organisationExpiration: loaded.organisation.expiration ?? null,
      };
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(key, { secretDigest: given, secretHash: loaded.client.secretHash, caller, checkedAt: Date.now() });
      return outcomeOf(caller);
    },
    forget(key) {
      cache.delete(key);
    },
  };
}
