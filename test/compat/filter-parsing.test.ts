// Unit tests of the LL filter pipeline: JSON parsing, $oid/$dte conversion, the operator allow-list, ERM shorthands
// and the organisation scope (compat spec 3.1, 3.6; our decisions on safe operators).
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { Query } from 'mingo';
import { CompatError } from '../../src/core/errors/compat-error.ts';
import { parseFilter, scopeFilter } from '../../src/compat/learning-locker/filter-parsing.ts';

function refusal(run: () => unknown): CompatError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(CompatError);
    return error as CompatError;
  }
  throw new Error('expected a refusal');
}

describe('LL filter parsing', () => {
  it('converts {"$oid"} to ObjectIds at any depth and leaves a non-hex $oid as the string', () => {
    const hex = '5f0000000000000000000001';
    const filter = parseFilter(JSON.stringify({ persona: { $in: [{ $oid: hex }] }, _id: { $oid: 'nope' } }), { parameter: 'filter' });
    expect(filter.persona.$in[0]).to.be.instanceOf(ObjectId);
    expect(filter.persona.$in[0].toHexString()).to.equal(hex);
    expect(filter._id).to.equal('nope');
  });

  it('converts {"$dte"} to Dates and refuses an unparsable date with 400 naming the path', () => {
    const filter = parseFilter('{"createdAt":{"$gte":{"$dte":"2020-01-02T00:00:00Z"}}}', { parameter: 'filter' });
    expect(filter.createdAt.$gte).to.be.instanceOf(Date);
    expect(filter.createdAt.$gte.toISOString()).to.equal('2020-01-02T00:00:00.000Z');
    const error = refusal(() => parseFilter('{"createdAt":{"$dte":"not a date"}}', { parameter: 'filter' }));
    expect(error.status).to.equal(400);
    expect(error.details?.[0].path).to.equal('filter.createdAt.$dte');
  });

  it('leaves $oid alone when extended JSON is off (LL v2 list routes)', () => {
    expect(() => parseFilter('{"_id":{"$oid":"5f0000000000000000000001"}}', { parameter: 'filter', extendedJson: false })).to.throw(
      CompatError,
      /\$oid/,
    );
  });

  for (const operator of ['$where', '$function', '$accumulator', '$expr']) {
    it(`refuses ${operator} anywhere in the filter with query.unsafe_operator`, () => {
      const payloads = [
        { [operator]: 'sleep(1000)' },
        { $or: [{ name: 'a' }, { [operator]: 'x' }] },
        { name: { $elemMatch: { [operator]: 'x' } } },
        { $and: [{ $nor: [{ [operator]: {} }] }] },
      ];
      for (const payload of payloads) {
        const error = refusal(() => parseFilter(JSON.stringify(payload), { parameter: 'filter' }));
        expect(error.status).to.equal(400);
        expect(error.code).to.equal('query.unsafe_operator');
        expect(error.message).to.contain(operator);
      }
    });
  }

  it('refuses unknown operators and operators hidden inside values', () => {
    expect(refusal(() => parseFilter('{"name":{"$foo":1}}', { parameter: 'filter' })).code).to.equal('query.unsupported_operator');
    expect(refusal(() => parseFilter('{"$text":{"$search":"x"}}', { parameter: 'filter' })).code).to.equal('query.unsupported_operator');
    expect(refusal(() => parseFilter('{"ifi":{"value":{"$where":"1"}}}', { parameter: 'filter' })).code).to.equal('query.invalid_filter');
    expect(refusal(() => parseFilter('{"name":{"$eq":{"$expr":1}}}', { parameter: 'filter' })).code).to.equal('query.invalid_filter');
    expect(refusal(() => parseFilter('{"name":{"$gt":1,"x":2}}', { parameter: 'filter' })).code).to.equal('query.invalid_filter');
  });

  it('answers 400 query.invalid_json naming the parameter for unparsable JSON, and refuses non-objects', () => {
    const error = refusal(() => parseFilter('{bad', { parameter: 'query' }));
    expect(error.code).to.equal('query.invalid_json');
    expect(error.details?.[0].path).to.equal('query');
    expect(refusal(() => parseFilter('[1]', { parameter: 'filter' })).code).to.equal('query.invalid_filter');
    expect(refusal(() => parseFilter(['{}', '{}'], { parameter: 'filter' })).code).to.equal('query.invalid_json');
  });

  it('accepts the safe operators, nested dotted fields and regexes, which then match as MongoDB would', () => {
    const filter = parseFilter(
      JSON.stringify({
        'ifi.value.homePage': 'http://lms.example.org',
        $or: [{ 'ifi.value.name': { $in: ['u1', 'u2'] } }, { 'ifi.value.name': { $regex: '^x', $options: 'i' } }],
        locked: { $exists: false },
      }),
      { parameter: 'filter' },
    );
    const docs = [
      { ifi: { key: 'account', value: { homePage: 'http://lms.example.org', name: 'u1' } } },
      { ifi: { key: 'account', value: { homePage: 'http://lms.example.org', name: 'X9' } } },
      { ifi: { key: 'account', value: { homePage: 'http://other.example.org', name: 'u1' } } },
      { ifi: { key: 'account', value: { homePage: 'http://lms.example.org', name: 'u3' } } },
      { ifi: { key: 'account', value: { homePage: 'http://lms.example.org', name: 'u2' } }, locked: true },
    ];
    expect(new Query(filter).find(docs).all()).to.have.length(2);
  });

  it('refuses invalid and over-long regular expressions', () => {
    expect(refusal(() => parseFilter('{"name":{"$regex":"("}}', { parameter: 'filter' })).code).to.equal('query.invalid_filter');
    expect(refusal(() => parseFilter(JSON.stringify({ name: { $regex: 'a'.repeat(600) } }), { parameter: 'filter' })).code).to.equal(
      'query.invalid_filter',
    );
  });

  describe('ERM shorthands', () => {
    const parse = (query: unknown) => parseFilter(JSON.stringify(query), { parameter: 'query', ermShorthands: true });
    it('turns ~ into a case-insensitive regex and comparison prefixes into operators', () => {
      const filter = parse({ key: '~^dep', value: '>=5', a: '>2', b: '<=3', c: '<1', d: '!=x', e: 'plain' });
      expect(filter.key).to.be.instanceOf(RegExp);
      expect(filter.key.flags).to.equal('i');
      expect(filter.key.test('Department')).to.equal(true);
      expect(filter.value).to.deep.equal({ $gte: '5' });
      expect(filter.a).to.deep.equal({ $gt: '2' });
      expect(filter.b).to.deep.equal({ $lte: '3' });
      expect(filter.c).to.deep.equal({ $lt: '1' });
      expect(filter.d).to.deep.equal({ $ne: 'x' });
      expect(filter.e).to.equal('plain');
    });
    it('turns an array under a field name into $in but leaves operator arrays alone', () => {
      const filter = parse({ key: ['a', 'b'], $or: [{ value: 'x' }, { value: { $nin: ['y'] } }] });
      expect(filter.key).to.deep.equal({ $in: ['a', 'b'] });
      expect(filter.$or).to.have.length(2);
      expect(filter.$or[1].value).to.deep.equal({ $nin: ['y'] });
    });
    it('still refuses unsafe operators', () => {
      expect(refusal(() => parse({ $where: 'true' })).code).to.equal('query.unsafe_operator');
    });
  });

  it("forces the organisation at the top level, overriding the filter's and leaving $or unable to widen it", () => {
    const mine = new ObjectId();
    const theirs = new ObjectId();
    const filter = scopeFilter(
      parseFilter(
        JSON.stringify({
          organisation: { $oid: theirs.toHexString() },
          $or: [{ organisation: { $oid: theirs.toHexString() } }, { name: 'a' }],
        }),
        { parameter: 'filter' },
      ),
      mine,
    );
    expect(filter.organisation).to.equal(mine);
    const docs = [
      { organisation: mine, name: 'a' },
      { organisation: theirs, name: 'a' },
      { organisation: theirs, name: 'b' },
    ];
    const matched = new Query(filter).find(docs).all() as Array<{ organisation: ObjectId }>;
    expect(matched).to.have.length(1);
    expect(matched[0].organisation).to.equal(mine);
  });
});
