// Organisations (tenants): created by the CLI (`persona clients create --new-organisation`) and at first start.
import { ObjectId } from 'bson';
import { COLLECTIONS, type OrganisationDoc } from '../../domain/model.ts';
import type { Store } from '../../store/port.ts';
import { apiError } from '../../core/errors/api-error.ts';

export interface OrganisationsService {
  create(name: string): Promise<OrganisationDoc>;
  get(id: ObjectId): Promise<OrganisationDoc>;
  list(): Promise<OrganisationDoc[]>;
}

export function createOrganisationsService({ store }: { store: Store }): OrganisationsService {
  const organisations = store.collection<OrganisationDoc>(COLLECTIONS.organisations);
  return {
    async create(name) {
      const organisation: OrganisationDoc = { _id: new ObjectId(), name, createdAt: new Date(), expiration: null };
      await organisations.insertOne(organisation);
      return organisation;
    },
    async get(id) {
      const organisation = await organisations.findOne({ _id: id });
      if (!organisation) throw apiError('organisations.organisation_not_found', { id: id.toHexString() });
      return organisation;
    },
    list() {
      return organisations.find({}, { sort: { createdAt: 1, _id: 1 } });
    },
  };
}
