// Match keys of identifying attributes whose values are objects (attribute values are any JSON value, as LL's Mixed).
import { expect } from 'chai';
import { matchKeysOf } from './duplicate-keys.ts';

describe('duplicate match keys of attribute values', () => {
  it('duplicate suggestions by an identifying attribute match equal objects only (never "[object Object]")', () => {
    const keysOf = (value: unknown) =>
      matchKeysOf({ name: null, identifiers: [], attributes: [{ key: 'badge', value }] }, new Set(['badge'])).map((match) => match.key);
    expect(keysOf({ site: 'north', id: 7 })).to.deep.equal(keysOf({ id: 7, site: 'north' }));
    expect(keysOf({ site: 'north', id: 7 })).to.not.deep.equal(keysOf({ site: 'south', id: 7 }));
  });
});
