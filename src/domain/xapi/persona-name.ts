// The name a new persona gets (xapi-agents.md section 6): the agent's own name, else a readable form of the
// identifier. Names are display only; they never decide which persona an identifier belongs to.
import type { Ifi } from '../model.ts';

const MAILTO_PREFIX = /^mailto:/i;

export function personaNameFor(agent: { name?: unknown }, ifi: Ifi): string {
  const name = agent.name;
  // A blank name is as good as none: fall back to something a person can recognise.
  if (typeof name === 'string' && name.trim() !== '') return name;
  return readableIdentifier(ifi);
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
