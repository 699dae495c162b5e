import { expect } from 'chai';
import { personaNameFor } from './persona-name.ts';
import { toPersonObject } from './person-object.ts';

describe('personaNameFor', () => {
  it('uses the agent name when it is a non-empty string', () => {
    expect(personaNameFor({ name: 'Alice' }, { key: 'mbox', value: 'mailto:a@example.com' })).to.equal('Alice');
  });

  it('falls back to a readable form of the identifier', () => {
    expect(personaNameFor({}, { key: 'mbox', value: 'MAILTO:a@example.com' })).to.equal('a@example.com');
    expect(personaNameFor({ name: '' }, { key: 'account', value: { homePage: 'http://lms.example', name: 'u42' } })).to.equal('u42');
    expect(personaNameFor({ name: '  ' }, { key: 'openid', value: 'http://openid.example.org/1' })).to.equal('http://openid.example.org/1');
    expect(personaNameFor({ name: 7 }, { key: 'mbox_sha1sum', value: 'cd9b00a5611f94eaa7b1661edab976068e364975' })).to.equal(
      'cd9b00a5611f94eaa7b1661edab976068e364975',
    );
  });
});

describe('toPersonObject (xapi-agents.md section 7)', () => {
  it('lists every name and identifier of a persona as arrays, without duplicates', () => {
    const person = toPersonObject(
      ['Alice', 'Alice', 'A. Liddell'],
      [
        { key: 'mbox', value: 'mailto:alice@example.com' },
        { key: 'mbox', value: 'MAILTO:alice@EXAMPLE.com' },
        { key: 'mbox_sha1sum', value: 'cd9b00a5611f94eaa7b1661edab976068e364975' },
        { key: 'openid', value: 'http://openid.example.org/1' },
        { key: 'account', value: { homePage: 'http://lms.example', name: 'u42' } },
      ],
    );
    expect(person).to.deep.equal({
      objectType: 'Person',
      name: ['Alice', 'A. Liddell'],
      mbox: ['mailto:alice@example.com'],
      mbox_sha1sum: ['cd9b00a5611f94eaa7b1661edab976068e364975'],
      openid: ['http://openid.example.org/1'],
      account: [{ homePage: 'http://lms.example', name: 'u42' }],
    });
  });

  it('an unknown person has empty arrays', () => {
    expect(toPersonObject([], [])).to.deep.equal({ objectType: 'Person', name: [], mbox: [], mbox_sha1sum: [], openid: [], account: [] });
  });
});
