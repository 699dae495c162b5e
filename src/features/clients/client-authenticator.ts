// Checks `key` + `secret` against the stored scrypt hash and answers the Caller. Verified credentials are cached
// (by key, with a SHA-256 of the secret compared in constant time) so scrypt runs once per client per period; a
// cached entry is re-read from the store after `recheckMs`, so a revocation made by another process (the CLI) takes
// effect within that period, and one made through this process's clients service at once (forget()).
// Failed secrets are throttled per key: scrypt is deliberately expensive, so someone who knows a key (keys are not
// secret) could otherwise spend a core per guess. After `failureLimit` wrong secrets within `failureWindowMs`, the
// key's uncached attempts fail without running scrypt until the window ends; a client whose right secret is
// already cached is not affected.
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

export interface ClientAuthenticatorOptions {
  store: Store;
  recheckMs?: number;
  failureLimit?: number;
  failureWindowMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

export function createClientAuthenticator({
  store, recheckMs = 5000, failureLimit = 5, failureWindowMs = 60_000, now = Date.now,
}: ClientAuthenticatorOptions): ClientAuthenticator {
  const cache = new Map<string, CacheEntry>();
  const failures = new Map<string, { count: number; since: number }>();

  function isThrottled(key: string): boolean {
    const entry = failures.get(key);
    if (!entry) return false;
    if (now() - entry.since < failureWindowMs) return entry.count >= failureLimit;
    failures.delete(key);
    return false;
  }

  function recordFailure(key: string): void {
    const entry = failures.get(key);
    if (entry) entry.count += 1;
    else {
      if (failures.size >= MAX_ENTRIES) failures.delete(failures.keys().next().value as string);
      failures.set(key, { count: 1, since: now() });
    }
  }
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
    if (expiration && expiration.getTime() <= now()) return { ok: false, reason: 'organisation_expired' };
    return { ok: true, caller };
  }

  return {
    async authenticate(key, secret) {
      const given = digest(secret);
      const cached = cache.get(key);
      if (cached && timingSafeEqual(cached.secretDigest, given)) {
        if (now() - cached.checkedAt < recheckMs) return outcomeOf(cached.caller);
        const fresh = await load(key);
        if (!fresh || fresh.client.secretHash !== cached.secretHash) {
          cache.delete(key);
          return { ok: false, reason: 'invalid_credentials' };
        }
        cached.checkedAt = now();
        cached.caller = { ...cached.caller, scopes: fresh.client.scopes, organisationExpiration: fresh.organisation.expiration ?? null };
        return outcomeOf(cached.caller);
      }
      if (isThrottled(key)) return { ok: false, reason: 'invalid_credentials' };
      const loaded = await load(key);
      if (!loaded) return { ok: false, reason: 'invalid_credentials' };
      if (!(await verifySecret(secret, loaded.client.secretHash))) {
        recordFailure(key);
        return { ok: false, reason: 'invalid_credentials' };
      }
      failures.delete(key);
      const caller: Caller = {
        organisation: loaded.client.organisation, clientId: loaded.client._id.toHexString(), scopes: loaded.client.scopes,
        organisationExpiration: loaded.organisation.expiration ?? null,
      };
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(key, { secretDigest: given, secretHash: loaded.client.secretHash, caller, checkedAt: now() });
      return outcomeOf(caller);
    },
    forget(key) {
      cache.delete(key);
    },
  };
}
