// Checks `key` + `secret` against the stored scrypt hash and answers the Caller. Verified credentials are cached
// (by key, with a SHA-256 of the secret compared in constant time) so scrypt runs once per client per period; a
// cached entry is re-read from the store after `recheckMs`, so a revocation made by another process (the CLI) takes
// effect within that period, and one made through this process's clients service at once (forget()).
// Checks of uncached secrets are bounded twice: the failed-secret throttle admits a few per key and client address
// (and per address) each window, counted before scrypt starts; and at most `maxConcurrentChecks` scrypt runs at once,
// the rest wait their turn, so a burst of guesses cannot take the thread pool from the clients' own requests.
// Concurrent checks of the same key and secret share one run, so a client's first burst is one admission, not many.
import { createHash, timingSafeEqual } from 'node:crypto';
import { COLLECTIONS, type ClientDoc, type OrganisationDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { UNKNOWN_ADDRESS, type AuthOutcome, type Caller, type ClientAuthenticator } from '../../core/caller.ts';

export { UNKNOWN_ADDRESS, type AuthOutcome, type ClientAuthenticator };
import pLimit from 'p-limit';
import { createFailedSecretThrottle } from './failed-secret-throttle.ts';
import { verifySecret as scryptVerifySecret } from './secret-hash.ts';

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
  /** Secret checks of one key from one address per window (then refused without running scrypt). */
  failureLimit?: number;
  /** Secret checks from one address over all keys per window. */
  addressFailureLimit?: number;
  failureWindowMs?: number;
  /** scrypt runs at a time; further checks wait. */
  maxConcurrentChecks?: number;
  /** The clock (tests move it). */
  now?: () => number;
  /** The scrypt check (tests count its runs). */
  verifySecret?: (secret: string, stored: string) => Promise<boolean>;
}

export function createClientAuthenticator({
  store,
  recheckMs = 5000,
  failureLimit = 5,
  addressFailureLimit = 20,
  failureWindowMs = 60_000,
  maxConcurrentChecks = 2,
  now = Date.now,
  verifySecret = scryptVerifySecret,
}: ClientAuthenticatorOptions): ClientAuthenticator {
  const cache = new Map<string, CacheEntry>();
  const throttle = createFailedSecretThrottle({
    perKeyAndAddress: failureLimit,
    perAddress: addressFailureLimit,
    windowMs: failureWindowMs,
    now,
  });
  const checkSlot = pLimit(maxConcurrentChecks);
  const checksInFlight = new Map<string, Promise<boolean>>();
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
    async authenticate(key, secret, address = UNKNOWN_ADDRESS) {
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
      const loaded = await load(key);
      if (!loaded) return { ok: false, reason: 'invalid_credentials' };
      // One scrypt run per key and secret at a time: a client's burst of requests before its secret is cached shares
      // one check (and one admission), so the budget counts distinct guesses, never the right secret's repeats.
      const flight = `${key}\u0000${given.toString('hex')}`;
      let check = checksInFlight.get(flight);
      if (!check) {
        // Admitted (and counted) synchronously, before scrypt starts: parallel guesses cannot all pass the check.
        const attempt = throttle.admit(key, address);
        if (!attempt) return { ok: false, reason: 'invalid_credentials' };
        check = checkSlot(() => verifySecret(secret, loaded.client.secretHash))
          .then((isRight) => {
            if (isRight) attempt.succeeded();
            return isRight;
          })
          .finally(() => checksInFlight.delete(flight));
        checksInFlight.set(flight, check);
      }
      if (!(await check)) return { ok: false, reason: 'invalid_credentials' };
      const caller: Caller = {
        organisation: loaded.client.organisation,
        clientId: loaded.client._id.toHexString(),
        scopes: loaded.client.scopes,
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
