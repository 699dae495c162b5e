// Keyed pseudonyms (issue 15): HMAC-SHA256 under the organisation's current key, so the same persona or identifier
// always gets the same pseudonym while the key lasts (two exports join on them) and nobody without the key can
// compute or reverse one. A persona is keyed by its id (ObjectIds are never reused, so an erased persona's pseudonym
// never names anybody else); an identifier by its canonical key (xapi-agents.md section 6), so every spelling of one
// address gets one pseudonym and an identifier keeps it when a merge moves it. Pure: no I/O.
import { createHmac } from 'node:crypto';

/** `pp_` a persona, `pi_` an identifier; then 128 bits of the HMAC in base64url (22 characters). */
export const PSEUDONYM_PATTERN = /^p[pi]_[A-Za-z0-9_-]{22}$/;

export interface Pseudonymiser {
  /** The id of the key the pseudonyms are made with (kept beside each recorded pseudonym). */
  keyId: string;
  persona(personaId: string): string;
  /** `canonicalKey`: `<kind>|<canonical value>` as stored on the identifier. */
  identifier(canonicalKey: string): string;
}

function keyed(secret: Buffer, domain: string, value: string): string {
  // The domain prefix keeps a persona id and an identifier value from ever giving the same pseudonym.
  return createHmac('sha256', secret).update(`${domain}\u0000${value}`).digest().subarray(0, 16).toString('base64url');
}

export function createPseudonymiser(key: { id: string; secret: Buffer }): Pseudonymiser {
  return {
    keyId: key.id,
    persona: (personaId) => `pp_${keyed(key.secret, 'persona', personaId)}`,
    identifier: (canonicalKey) => `pi_${keyed(key.secret, 'identifier', canonicalKey)}`,
  };
}
