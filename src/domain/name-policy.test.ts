// Which seen name each name policy picks, and the display-name fallback chain.
import { expect } from 'chai';
import { chooseDisplayName, type NameStats } from './name-policy.ts';
import { displayNameOf } from './xapi/persona-name.ts';

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const seen = (name: string, count: number, firstDay: number, lastDay: number): NameStats => ({
  name,
  count,
  firstSeen: at(firstDay),
  lastSeen: at(lastDay),
});

describe('name policy', () => {
  const names = [seen('Ada', 2, 1, 3), seen('Ada Lovelace', 5, 2, 4), seen('A. L.', 1, 5, 5)];

  it('first: the earliest seen; latest: the most recently seen; most_frequent: the most often seen; manual: none', () => {
    expect(chooseDisplayName('first', names)).to.equal('Ada');
    expect(chooseDisplayName('latest', names)).to.equal('A. L.');
    expect(chooseDisplayName('most_frequent', names)).to.equal('Ada Lovelace');
    expect(chooseDisplayName('manual', names)).to.equal(null);
    expect(chooseDisplayName('latest', [])).to.equal(null);
  });

  it('breaks ties the same way whatever the order: latest by count then name, most_frequent by recency', () => {
    const tied = [seen('Bea', 1, 1, 2), seen('Ann', 1, 1, 2), seen('Cat', 3, 1, 2)];
    expect(chooseDisplayName('latest', tied)).to.equal('Cat');
    expect(chooseDisplayName('latest', [...tied].reverse())).to.equal('Cat');
    expect(chooseDisplayName('most_frequent', [seen('Old', 2, 1, 1), seen('New', 2, 1, 9)])).to.equal('New');
    expect(chooseDisplayName('first', [seen('Bea', 1, 1, 1), seen('Ann', 1, 1, 1)])).to.equal('Ann');
  });

  it('a persona without a name shows an identifier, else its id, never an empty string', () => {
    expect(displayNameOf('Ada', [{ key: 'mbox', value: 'mailto:ada@example.org' }], 'id1')).to.equal('Ada');
    expect(displayNameOf(' ', [{ key: 'mbox', value: 'mailto:ada@example.org' }], 'id1')).to.equal('ada@example.org');
    expect(displayNameOf(null, [{ key: 'account', value: { homePage: 'https://lms.example.org', name: 'a-1' } }], 'id1')).to.equal('a-1');
    expect(displayNameOf(null, [], 'id1')).to.equal('id1');
  });
});
