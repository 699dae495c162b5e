// The name history's store rules on the embedded engine: concurrent recorders add up in one document per name, the
// per-persona bound keeps the most recently seen names, and each organisation sees only its own.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS, type PersonaNameDoc } from '../../src/domain/model.ts';
import { ensureAllIndexes } from '../../src/wiring/all-indexes.ts';
import { recordNames, seenNamesOf } from '../../src/features/names/persona-names.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

describe('persona name history (store)', () => {
  let temp: TempStore;
  const organisation = new ObjectId();
  before(async () => {
    temp = await openTempEmbeddedStore();
    await ensureAllIndexes(temp.store);
  });
  after(async () => {
    await temp.close();
  });

  it('concurrent recorders of one name add up in a single document, keeping the earliest and latest sighting', async () => {
    const persona = new ObjectId();
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
    await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map((second) =>
        recordNames(temp.store, organisation, [
          { persona, name: 'Ada', count: 2, seenAt: at(second) },
          { persona, name: 'Ada', count: 1, seenAt: at(second) },
        ]),
      ),
    );
    const documents = await temp.store.collection<PersonaNameDoc>(COLLECTIONS.names).find({ organisation, persona });
    expect(documents).to.have.length(1);
    expect(documents[0]).to.include({ count: 24 });
    expect(documents[0].firstSeen.toISOString()).to.equal(at(1).toISOString());
    expect(documents[0].lastSeen.toISOString()).to.equal(at(8).toISOString());
  });

  it('keeps at most the bound of distinct names per persona, dropping the least recently seen', async () => {
    const persona = new ObjectId();
    for (let index = 0; index < 6; index += 1) {
      await recordNames(
        temp.store,
        organisation,
        [{ persona, name: `name ${index}`, count: 1, seenAt: new Date(Date.UTC(2026, 0, 1, index)) }],
        3,
      );
    }
    expect((await seenNamesOf(temp.store, organisation, persona)).map((entry) => entry.name)).to.deep.equal(['name 5', 'name 4', 'name 3']);
  });

  it('another organisation does not see or add to the names of a persona id it does not own', async () => {
    const persona = new ObjectId();
    const other = new ObjectId();
    await recordNames(temp.store, organisation, [{ persona, name: 'Mine', count: 1, seenAt: new Date() }]);
    await recordNames(temp.store, other, [{ persona, name: 'Mine', count: 5, seenAt: new Date() }]);
    expect((await seenNamesOf(temp.store, organisation, persona)).map((entry) => [entry.name, entry.count])).to.deep.equal([['Mine', 1]]);
  });
});
