// Who is calling: the authenticated API client, its organisation (every query is scoped by it) and its scopes.
// Structurally the same as the compat layer's CallerContext, so both surfaces pass one object to the services.
import type { ObjectId } from 'bson';
import type { Scope } from '../../domain/model.ts';

export interface Caller {
  organisation: ObjectId;
  /** API client id (hex), recorded as createdBy/updatedBy. */
  clientId: string;
  scopes: readonly Scope[];
  organisationExpiration?: Date | null;
}
