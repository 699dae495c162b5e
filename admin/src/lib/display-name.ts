// How a person is named on screen: the persona's name, else a readable form of its first identifier (the server
// names new personas the same way: domain/xapi/persona-name.ts), else its id.

export interface IfiLike {
  key: string;
  value: string | { homePage: string; name: string };
}

export function identifierText(ifi: IfiLike): string {
  if (typeof ifi.value === 'string') return ifi.key === 'mbox' ? ifi.value.replace(/^mailto:/i, '') : ifi.value;
  return `${ifi.value.name} at ${ifi.value.homePage}`;
}

export const IDENTIFIER_KINDS: Record<string, string> = {
  mbox: 'Email',
  mbox_sha1sum: 'Email SHA-1',
  openid: 'OpenID',
  account: 'Account',
};

export function displayName(persona: { id: string; name?: string | null; identifiers?: Array<{ ifi: IfiLike }> }): string {
  if (persona.name && persona.name.trim()) return persona.name;
  const first = persona.identifiers?.[0];
  return first ? identifierText(first.ifi) : `Person ${persona.id}`;
}
