// The joined conditions of GET /v1/personas (attribute.*, identifier.*, linkedTo.*) become `$in`/`$nin` lists of
// persona ids; their total size is bounded per request, so no number of conditions can push the query towards
// MongoDB's 16 MB command limit.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import { parseListQuery } from '../../core/list/list-query.ts';
import { openTempEmbeddedStore, type TempStore } from '../../../test/support/temp-store.ts';
import { personaListFilter } from './persona-filters.ts';
import { PERSONA_LIST } from './personas.schemas.ts';

describe('persona list filters: joined conditions share one budget of matched records', () => {
  let temp: TempStore;
  const organisation = new ObjectId();
  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
    const attribute = (key: string, value: string) => ({ organisation, personaId: new ObjectId(), key, value });
    await temp.store
      .collection(COLLECTIONS.attributes)
      .insertMany([attribute('cohort', 'a'), attribute('cohort', 'a'), attribute('team', 'x'), attribute('team', 'x')]);
  });
  afterEach(async () => {
    await temp.close();
  });

  const twoConditions = () => parseListQuery(PERSONA_LIST, { 'search.attribute.cohort.eq': 'a', 'search.attribute.team.eq': 'x' });

  it('refuses with 400 query.invalid_filter when the conditions together match more than the budget', async () => {
    // Each condition matches 2 records, under a budget of 3 on its own; together they match 4.
    const error = await personaListFilter(temp.store, organisation, twoConditions(), 3).then(
      () => null,
      (caught) => caught,
    );
    expect(error).to.include({ code: 'query.invalid_filter', status: 400 });
    expect(error.message).to.match(/search\.attribute\.team: the joined conditions match more than 3 records together/);
  });

  it('answers both id lists when the conditions together fit the budget', async () => {
    const filter = await personaListFilter(temp.store, organisation, twoConditions(), 4);
    expect(JSON.stringify(filter).match(/\$in/g)).to.have.length(2);
  });
});
