// The name a new persona gets (xapi-agents.md section 6): the agent's own name, else a readable form of the
// identifier. Names are display only; they never decide which persona an identifier belongs to.
import type { Ifi } from '../model.ts';

const MAILTO_PREFIX = /^mailto:/i;
/** Longest persona name on every surface (/v1, /api, /crud refuse longer ones; resolution shortens an agent's). */
export const MAX_PERSONA_NAME_LENGTH = 200;

export function personaNameFor(agent: { name?: unknown }, ifi: Ifi): string {
  // A blank name is as good as none: fall back to something a person can recognise.
  return seenName(agent) ?? shortenedName(readableIdentifier(ifi));
}

/** The agent's own name as the persona's name history keeps it (shortened), or null when it has none or a blank one. */
export function seenName(agent: { name?: unknown }): string | null {
  const name = agent.name;
  return typeof name === 'string' && name.trim() !== '' ? shortenedName(name) : null;
}

/**
 * An xAPI agent's name (or identifier) of any length is valid in a statement, so it is shortened rather than
 * refused: the first MAX_PERSONA_NAME_LENGTH characters, without splitting a surrogate pair.
 */
function shortenedName(name: string): string {
  if (name.length <= MAX_PERSONA_NAME_LENGTH) return name;
  const cut = name.slice(0, MAX_PERSONA_NAME_LENGTH);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** The address without `mailto:`, the account name, the openid, or the sha1 hex. */
export function readableIdentifier(ifi: Ifi): string {
  switch (ifi.key) {
    case 'mbox':
      return ifi.value.replace(MAILTO_PREFIX, '');
    case 'mbox_sha1sum':
    case 'openid':
      return ifi.value;
    case 'account':
      return ifi.value.name;
  }
}

/**
 * What a persona is shown as, never an empty string: its name, else a readable form of its first identifier, else
 * its id (a persona created without a name, or whose name a Learning Locker tool blanked).
 */
export function displayNameOf(name: string | null | undefined, ifis: Ifi[], id: string): string {
  if (typeof name === 'string' && name.trim() !== '') return name;
  const identifier = ifis.map(readableIdentifier).find((readable) => readable.trim() !== '');
  return identifier ?? id;
}
