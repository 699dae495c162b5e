// Write-back with WRITE_BACK_PERSON=pseudonym: statements are stamped `person.display` = the persona's pseudonym
// instead of its name, so the LRS's own reports and exports carry no names yet still group by person and join with
// pseudonymised exports. Setting it asks for pseudonyms in every organisation, so an organisation without a key gets
// one here (pseudonymisation is turned on, as PUT /v1/pseudonymisation would). Each pseudonym stamped is recorded.
import { ObjectId } from 'bson';
import type { Store } from '../../store/port.ts';
import { ensurePseudonymiser } from './pseudonym-keys.ts';
import { recordPseudonyms } from './pseudonym-map.ts';

/** `name`: Learning Locker's stamp (the persona's name); `pseudonym`: its keyed pseudonym. */
export type { WriteBackPerson } from '../../config.ts';

export async function pseudonymDisplays(store: Store, organisation: ObjectId, personaIds: string[]): Promise<Map<string, string>> {
  const pseudonyms = await ensurePseudonymiser(store, organisation, 'write-back');
  const issuedAt = new Date();
  const displays = new Map(personaIds.map((id) => [id, pseudonyms.persona(id)]));
  await recordPseudonyms(
    store,
    [...displays].map(([id, pseudonym]) => ({
      _id: pseudonym,
      organisation,
      kind: 'persona' as const,
      persona: new ObjectId(id),
      keyId: pseudonyms.keyId,
      issuedAt,
    })),
  );
  return displays;
}
