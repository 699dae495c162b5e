// The xAPI Person object (xapi-agents.md section 7): every name and identifier known for one persona, each as an
// array. Duplicates are dropped (identifiers by canonical key) and the first-seen order is kept.
import type { Ifi } from '../model.ts';
import { canonicalIdentifierKey } from './canonical-identifier.ts';

export interface PersonObject {
  objectType: 'Person';
  name: string[];
  mbox: string[];
  mbox_sha1sum: string[];
  openid: string[];
  account: Array<{ homePage: string; name: string }>;
}

export function toPersonObject(names: string[], ifis: Ifi[]): PersonObject {
  const person: PersonObject = { objectType: 'Person', name: [...new Set(names)], mbox: [], mbox_sha1sum: [], openid: [], account: [] };
  const seen = new Set<string>();
  for (const ifi of ifis) {
    const key = canonicalIdentifierKey(ifi);
    if (seen.has(key)) continue;
    seen.add(key);
    if (ifi.key === 'account') person.account.push({ homePage: ifi.value.homePage, name: ifi.value.name });
    else person[ifi.key].push(ifi.value);
  }
  return person;
}
