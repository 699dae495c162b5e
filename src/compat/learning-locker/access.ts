// Scope checks of the Learning Locker surface (compat spec 6.3) in terms of our scopes: LL's actions map to
// view → personas:read; create, edit, delete → personas:write; merge (an "edit" in LL) → personas:merge, the scope
// our own merge route requires. An LL client with scope `all` corresponds to a client holding every scope.
// A client whose organisation has expired is refused as LL refuses it. Failures are LL's 403 text (sic).
import type { Scope } from '../../domain/model.ts';
import { CompatError } from '../../core/errors/compat-error.ts';

export type LlAction = 'view' | 'create' | 'edit' | 'delete' | 'merge';

export const ACTION_SCOPES: Record<LlAction, Scope> = {
  view: 'personas:read',
  create: 'personas:write',
  edit: 'personas:write',
  delete: 'personas:write',
  merge: 'personas:merge',
};

export const PRIVILEGES_MESSAGE = 'Priviliges not sufficient for this operation';

export interface LlCaller {
  scopes: readonly string[];
  organisationExpiration?: Date | null;
}

export function assertAllowed(caller: LlCaller, action: LlAction, now = new Date()): void {
  if (caller.organisationExpiration && caller.organisationExpiration.getTime() < now.getTime()) {
    throw new CompatError('auth.organisation_expired', PRIVILEGES_MESSAGE);
  }
  if (!caller.scopes.includes(ACTION_SCOPES[action])) {
    throw new CompatError('auth.insufficient_scope', PRIVILEGES_MESSAGE);
  }
}

/** ERM's action by HTTP method (3.6): GET view, POST without id create, DELETE delete, anything else edit. */
export function ermAction(method: string, hasId: boolean): LlAction {
  if (method === 'GET' || method === 'HEAD') return 'view';
  if (method === 'DELETE') return 'delete';
  if (method === 'POST' && !hasId) return 'create';
  return 'edit';
}
