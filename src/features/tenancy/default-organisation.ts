// The organisation used when none is named: created once, on first need, by whichever process gets there first
// (an upsert on a unique slug, so two processes starting together still make one).
import { COLLECTIONS, type OrganisationDoc } from '../../domain/model.ts';
import { type Store, isDuplicateKeyError } from '../../store/port.ts';

export const DEFAULT_ORGANISATION_SLUG = 'default';

export async function ensureDefaultOrganisation(store: Store): Promise<{ organisation: OrganisationDoc; wasCreated: boolean }> {
  const organisations = store.collection<OrganisationDoc & { slug?: string }>(COLLECTIONS.organisations);
  const existing = await organisations.findOne({ slug: DEFAULT_ORGANISATION_SLUG });
  if (existing) return { organisation: existing, wasCreated: false };
  const result = await organisations
    .updateOne(
      { slug: DEFAULT_ORGANISATION_SLUG },
      { $setOnInsert: { name: 'Default organisation', createdAt: new Date() } },
      { upsert: true },
    )
    .catch((error: { code?: number }) => {
      if (isDuplicateKeyError(error)) return { upsertedCount: 0 };
      throw error;
    });
  const organisation = await organisations.findOne({ slug: DEFAULT_ORGANISATION_SLUG });
  if (!organisation) throw new Error('default organisation could not be created');
  return { organisation, wasCreated: result.upsertedCount === 1 };
}
