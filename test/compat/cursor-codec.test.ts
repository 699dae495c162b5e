// Cursor encodings of LL's two connection kinds (compat spec 4.2 PS, 4.3 generic), accepted on input in both forms.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { CompatError } from '../../src/core/errors/compat-error.ts';
import { decodeCursor, encodeCursor } from '../../src/compat/learning-locker/cursor-codec.ts';

const id = new ObjectId('5f0000000000000000000001');

describe('LL cursor codec', () => {
  it('encodes the PS format byte for byte as LL does ({"$oid"} for top-level ObjectIds)', () => {
    expect(encodeCursor({ _id: id, name: 'Ann', organisation: new ObjectId() }, { _id: 1 }, 'ps')).to.equal(
      'eyJfaWQiOnsiJG9pZCI6IjVmMDAwMDAwMDAwMDAwMDAwMDAwMDAwMSJ9fQ==',
    );
    const text = Buffer.from(encodeCursor({ _id: id, name: 'Ann' }, { name: 1, _id: 1 }, 'ps'), 'base64').toString();
    expect(text).to.equal('{"name":"Ann","_id":{"$oid":"5f0000000000000000000001"}}');
  });

  it('encodes the generic format with plain hex ObjectIds and ISO dates', () => {
    const createdAt = new Date('2020-01-02T03:04:05.000Z');
    const text = Buffer.from(encodeCursor({ _id: id, createdAt, key: 'k' }, { createdAt: -1, _id: 1 }, 'generic'), 'base64').toString();
    expect(text).to.equal('{"createdAt":"2020-01-02T03:04:05.000Z","_id":"5f0000000000000000000001"}');
  });

  it('picks dotted sort keys as nested objects (lodash pick)', () => {
    const doc = { _id: id, ifi: { key: 'account', value: { homePage: 'http://h', name: 'n' } } };
    const text = Buffer.from(encodeCursor(doc, { 'ifi.value.homePage': 1, _id: 1 }, 'ps'), 'base64').toString();
    expect(text).to.equal('{"ifi":{"value":{"homePage":"http://h"}},"_id":{"$oid":"5f0000000000000000000001"}}');
    const decoded = decodeCursor(Buffer.from(text).toString('base64'), { 'ifi.value.homePage': 1, _id: 1 }, 'after');
    expect(decoded.values.get('ifi.value.homePage')).to.equal('http://h');
  });

  it('decodes both formats to the stored types', () => {
    const sort = { updatedAt: 1 as const, personaId: 1 as const, _id: 1 as const };
    const ps = Buffer.from(
      JSON.stringify({ updatedAt: '2020-01-02T03:04:05.000Z', personaId: { $oid: id.toHexString() }, _id: { $oid: id.toHexString() } }),
    ).toString('base64');
    const generic = Buffer.from(
      JSON.stringify({ updatedAt: '2020-01-02T03:04:05.000Z', personaId: id.toHexString(), _id: id.toHexString() }),
    ).toString('base64');
    for (const cursor of [ps, generic]) {
      const { values } = decodeCursor(cursor, sort, 'after');
      expect(values.get('updatedAt')).to.be.instanceOf(Date);
      expect((values.get('personaId') as ObjectId).toHexString()).to.equal(id.toHexString());
      expect((values.get('_id') as ObjectId).equals(id)).to.equal(true);
    }
  });

  it('round-trips non-ASCII values (LL mangles them; we encode UTF-8)', () => {
    const cursor = encodeCursor({ _id: id, name: 'Zoë 山田' }, { name: 1, _id: 1 }, 'ps');
    expect(decodeCursor(cursor, { name: 1, _id: 1 }, 'after').values.get('name')).to.equal('Zoë 山田');
  });

  it('accepts an LL cursor without our _id tie-breaker, and the empty-page cursor "e30="', () => {
    const llCursor = Buffer.from('{"name":"Ann"}').toString('base64');
    const decoded = decodeCursor(llCursor, { name: 1, _id: 1 }, 'after');
    expect([...decoded.values.keys()]).to.deep.equal(['name']);
    expect(decodeCursor('e30=', { _id: 1 }, 'after').isEmpty).to.equal(true);
  });

  it('refuses malformed cursors with 400 query.invalid_cursor naming the parameter', () => {
    const cases = [
      '%%%',
      Buffer.from('not json').toString('base64'),
      Buffer.from('false').toString('base64'),
      Buffer.from('[1]').toString('base64'),
      Buffer.from('{"other":1}').toString('base64'),
    ];
    for (const cursor of cases) {
      try {
        decodeCursor(cursor, { name: 1, _id: 1 }, 'before');
        expect.fail(`accepted ${cursor}`);
      } catch (error) {
        expect(error).to.be.instanceOf(CompatError);
        expect((error as CompatError).status).to.equal(400);
        expect((error as CompatError).code).to.equal('query.invalid_cursor');
        expect((error as CompatError).details?.[0].path).to.equal('before');
      }
    }
  });
});
