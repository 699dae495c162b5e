// Who is calling: the authenticated API client, its organisation (every query is scoped by it) and its scopes.
// Structurally the same as the compat layer's CallerContext, so both surfaces pass one object to the services.
import type { ObjectId } from 'bson';

export interface Caller {
  organisation: ObjectId;
  /** API client id (hex), recorded as createdBy/updatedBy. */
  clientId: string;
  /** Scope names (domain/model.ts SCOPES); plain strings so the compat layer's CallerContext is the same type. */
  scopes: readonly string[];
  organisationExpiration?: Date | null;
}

export type AuthOutcome = { ok: true; caller: Caller } | { ok: false; reason: 'invalid_credentials' | 'organisation_expired' };

/** Checks credentials; implemented by features/clients, used by every transport's auth (so transports need no feature). */
export interface ClientAuthenticator {
  /** `address`: the client's network address, the unit of the failed-secret throttle. */
  authenticate(key: string, secret: string, address?: string): Promise<AuthOutcome>;
  forget(key: string): void;
}

/** Where an address is not known (the CLI, tests of the authenticator alone). */
export const UNKNOWN_ADDRESS = 'unknown';
