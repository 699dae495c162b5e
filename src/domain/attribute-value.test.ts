// Attribute values as LL's mongoose Mixed: which values are accepted, and equality/text used by merges and duplicates.
import { expect } from 'chai';
import { attributeValueProblem, attributeValueText, isSameAttributeValue } from './attribute-value.ts';

describe('attribute values (any JSON value except null)', () => {
  it('accepts strings, numbers, booleans, arrays and objects, nulls inside a value included', () => {
    for (const value of ['x', 0, -2.5, true, false, [], {}, [1, 'a', null], { a: { b: [true, null] } }]) {
      expect(attributeValueProblem(value), JSON.stringify(value)).to.equal(null);
    }
  });

  it('refuses null, non-JSON numbers, operator or dotted keys, __proto__, oversized and overly deep values, naming why', () => {
    expect(attributeValueProblem(null)).to.match(/null/);
    expect(attributeValueProblem(Number.NaN)).to.match(/finite/);
    expect(attributeValueProblem({ a: [{ $ne: 1 }] })).to.match(/"\$ne"/);
    expect(attributeValueProblem({ 'x.y': 1 })).to.match(/"x\.y"/);
    expect(attributeValueProblem(JSON.parse('{"__proto__": {"polluted": 1}}'))).to.match(/__proto__/);
    expect(attributeValueProblem('a'.repeat(10_001))).to.match(/10000 characters/);
    expect(attributeValueProblem({ text: 'a'.repeat(10_000) })).to.match(/as JSON/);
    expect(attributeValueProblem(JSON.parse(`${'['.repeat(20)}${']'.repeat(20)}`))).to.equal(null);
    expect(attributeValueProblem(JSON.parse(`${'['.repeat(21)}${']'.repeat(21)}`))).to.match(/deeper than 20/);
  });

  it('compares deeply whatever the key order, and names equal values with one text', () => {
    expect(isSameAttributeValue({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).to.equal(true);
    expect(isSameAttributeValue({ a: 1 }, { a: '1' })).to.equal(false);
    expect(isSameAttributeValue([1, 2], [2, 1])).to.equal(false);
    expect(attributeValueText({ b: 1, a: 2 })).to.equal(attributeValueText({ a: 2, b: 1 }));
    expect(attributeValueText('plain')).to.equal('plain');
  });
});
