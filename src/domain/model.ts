// The stored data model: collection names and document shapes. Shapes follow Learning Locker's collections
// (docs/spec/learning-locker-compat.md section 1) so that LL tools can read what we write, plus the fields our
// resolver needs (`canonicalKey`, timestamps, `mergedInto` tombstones).
import type { AttributeValue } from './attribute-value.ts';
import type { ObjectId } from 'bson';

export const COLLECTIONS = {
  organisations: 'organisations',
  clients: 'apiClients',
  personas: 'personas',
  identifiers: 'personaIdentifiers',
  attributes: 'personaAttributes',
  links: 'personaLinks',
  /** mbox ↔ mbox_sha1sum claims: which persona owns the SHA-1 of an address (see resolver/email-claims.ts). */
  emailClaims: 'personaEmailClaims',
  /** Every name seen for a persona, with counts and first/last seen (features/names). */
  names: 'personaNames',
  /** Per-organisation identity rules (features/identity-rules): the name policy. */
  identityRules: 'identityRules',
  merges: 'personaMerges',
  duplicateDismissals: 'personaDuplicateDismissals',
  imports: 'personaImports',
  audit: 'auditLog',
} as const;

export type IfiKey = 'mbox' | 'mbox_sha1sum' | 'openid' | 'account';

/** An xAPI inverse functional identifier as stored: account values are always `{homePage, name}` in that order. */
export type Ifi =
  | { key: 'mbox'; value: string }
  | { key: 'mbox_sha1sum'; value: string }
  | { key: 'openid'; value: string }
  | { key: 'account'; value: { homePage: string; name: string } };

export interface PersonaDoc {
  _id: ObjectId;
  organisation: ObjectId;
  name: string | null;
  profile?: Record<string, unknown>;
  active?: boolean;
  metadata?: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  /** API client id (hex) or `resolver`. */
  createdBy?: string;
  updatedBy?: string;
  /** Renamed through the API: the organisation's name policy leaves this name alone (features/names). */
  namePinned?: boolean;
  /** Set when this persona was merged away: it is a tombstone that redirects to this persona. */
  mergedInto?: ObjectId;
}

export interface IdentifierDoc {
  _id: ObjectId;
  organisation: ObjectId;
  persona: ObjectId;
  ifi: Ifi;
  /** `<key>|<canonical value>` (xapi-agents.md section 6); unique per organisation. */
  canonicalKey: string;
  createdAt: Date;
  updatedAt: Date;
  /** Learning Locker reads this flag; we never leave an identifier locked. */
  locked?: boolean;
  lockedAt?: Date;
}

export interface AttributeDoc {
  _id: ObjectId;
  organisation: ObjectId;
  personaId: ObjectId;
  key: string;
  /** Any JSON value except null (LL's mongoose `Mixed`; attribute-value.ts). */
  value: AttributeValue;
  createdAt?: Date;
  updatedAt?: Date;
  __v?: number;
}

export interface LinkDoc {
  _id: ObjectId;
  organisation: ObjectId;
  persona: ObjectId;
  recTypeName: string;
  recId: string;
  metadata?: Record<string, unknown>;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface EmailClaimDoc {
  _id: ObjectId;
  organisation: ObjectId;
  /** Lower-case SHA-1 hex of a `mailto:` IRI. */
  sha1: string;
  persona: ObjectId;
  createdAt: Date;
}

/** One name seen for a persona; unique per (organisation, persona, name). */
export interface PersonaNameDoc {
  _id: ObjectId;
  organisation: ObjectId;
  persona: ObjectId;
  name: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
}

export interface OrganisationDoc {
  _id: ObjectId;
  name: string;
  createdAt: Date;
  expiration?: Date | null;
}

export const SCOPES = ['statements:write', 'personas:read', 'personas:write', 'personas:merge', 'personas:erase', 'clients:admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ClientDoc {
  _id: ObjectId;
  organisation: ObjectId;
  title: string;
  /** Public half of the credential (Basic user name; first part of a Bearer token). */
  key: string;
  /** scrypt hash of the secret: `scrypt$N$r$p$salt$hash` (base64 parts). */
  secretHash: string;
  scopes: Scope[];
  createdAt: Date;
  revokedAt?: Date | null;
}
