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
