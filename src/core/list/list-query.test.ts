import { expect } from 'chai';
import { ObjectId } from 'bson';
import { ApiError } from '../errors/api-error.ts';
import { conditionsFilter } from './condition-filter.ts';
import { createCursorCodec, queryDigest } from './cursor.ts';
import type { ListSpec } from './list-fields.ts';
import { parseListQuery } from './list-query.ts';
import { effectiveSort } from './paginate.ts';

const spec: ListSpec = {
  resource: 'things',
  fields: {
    id: { path: '_id', type: 'id', sortable: true },
    name: { path: 'name', type: 'string', sortable: true, stackable: true },
    active: { path: 'active', type: 'boolean', sortable: true, stackable: true },
    createdAt: { path: 'createdAt', type: 'date', sortable: true },
    'identifier.key': { type: 'string' },
  },
  families: { 'attribute.': { type: 'scalar' }, 'metadata.': { pathPrefix: 'metadata.', type: 'any' } },
  shorthands: ['active'],
  searchPaths: ['name'],
  defaultSort: [{ field: 'createdAt', direction: 1 }],
  includes: ['identifiers'],
  extraParameters: ['cascade'],
};

function codeOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    expect(error).to.be.instanceOf(ApiError);
    return (error as ApiError).code;
  }
}

describe('list query parsing', () => {
  it('defaults to 20 rows from offset 0 in the default sort', () => {
    const query = parseListQuery(spec, {});
    expect(query).to.include({ limit: 20, offset: 0, after: null, before: null, search: null });
    expect(query.sort).to.deep.equal([{ field: 'createdAt', path: 'createdAt', direction: 1 }]);
  });

  it('clamps limit to 100 and refuses non-integers', () => {
    expect(parseListQuery(spec, { limit: '5000' }).limit).to.equal(100);
    expect(codeOf(() => parseListQuery(spec, { limit: '0' }))).to.equal('query.invalid_limit');
    expect(codeOf(() => parseListQuery(spec, { limit: '1.5' }))).to.equal('query.invalid_limit');
    expect(codeOf(() => parseListQuery(spec, { offset: '-1' }))).to.equal('query.invalid_offset');
  });

  it('parses every operator with values typed by field', () => {
    const id = new ObjectId();
    const query = parseListQuery(spec, {
      'search.id.eq': id.toHexString(),
      'search.name.like': 'an',
      'search.name.in': 'a,b',
      'search.createdAt.gte': '2024-01-01',
      'search.active.ne': 'false',
      'search.name.exists': 'true',
      'search.metadata.level.gt': '3',
    });
    const filter = conditionsFilter(query.conditions);
    expect(filter.$and).to.deep.include({ _id: id });
    expect(filter.$and).to.deep.include({ name: { $regex: 'an', $options: 'i' } });
    expect(filter.$and).to.deep.include({ name: { $in: ['a', 'b'] } });
    expect(filter.$and).to.deep.include({ createdAt: { $gte: new Date('2024-01-01') } });
    expect(filter.$and).to.deep.include({ active: { $ne: false } });
    expect(filter.$and).to.deep.include({ name: { $exists: true, $ne: null } });
    expect(filter.$and).to.deep.include({ 'metadata.level': { $gt: 3 } });
  });

  it('escapes like terms so user text never becomes a pattern', () => {
    const filter = conditionsFilter(parseListQuery(spec, { 'search.name.like': 'a.*(' }).conditions);
    expect(filter).to.deep.equal({ name: { $regex: 'a\\.\\*\\(', $options: 'i' } });
  });

  it('refuses unknown fields, operators and bad values with query.invalid_filter', () => {
    for (const query of [
      { 'search.nope.eq': 'x' },
      { 'search.name.regex': 'x' },
      { 'search.id.eq': 'xyz' },
      { 'search.createdAt.gt': 'yesterday' },
      { 'search.active.eq': 'maybe' },
      { 'search.name.exists': 'yes' },
      { 'search.active.like': 'x' },
      { 'search.metadata.$where.eq': 'x' },
      { 'search..eq': 'x' },
      { search: 'x'.repeat(1001) },
    ]) {
      expect(
        codeOf(() => parseListQuery(spec, query)),
        JSON.stringify(query),
      ).to.equal('query.invalid_filter');
    }
  });

  it('keeps service-translated fields without a path for the service', () => {
    const [condition] = parseListQuery(spec, { 'search.identifier.key.eq': 'mbox' }).conditions;
    expect(condition).to.include({ field: 'identifier.key', op: 'eq', value: 'mbox' });
    expect(condition.spec.path).to.equal(undefined);
  });

  it('reads shorthands, extra parameters, sort, stack and include', () => {
    const query = parseListQuery(spec, {
      active: 'true',
      cascade: 'true',
      sort: 'name,-createdAt',
      stack: 'active',
      include: 'identifiers',
    });
    expect(query.conditions[0]).to.include({ field: 'active', op: 'eq', value: true });
    expect(query.extra).to.deep.equal({ cascade: 'true' });
    expect(query.sort.map((key) => [key.path, key.direction])).to.deep.equal([
      ['name', 1],
      ['createdAt', -1],
    ]);
    expect(effectiveSort(query).map((key) => [key.path, key.direction])).to.deep.equal([
      ['active', 1],
      ['name', 1],
      ['createdAt', -1],
      ['_id', -1],
    ]);
    expect(query.include).to.deep.equal(['identifiers']);
  });

  it('refuses bad sort, stack, include, repeated and unknown parameters, and mixed paging', () => {
    expect(codeOf(() => parseListQuery(spec, { sort: 'nope' }))).to.equal('query.invalid_sort');
    expect(codeOf(() => parseListQuery(spec, { sort: 'name,-name' }))).to.equal('query.invalid_sort');
    expect(codeOf(() => parseListQuery(spec, { stack: 'createdAt' }))).to.equal('query.invalid_stack');
    expect(codeOf(() => parseListQuery(spec, { include: 'links' }))).to.equal('query.invalid_include');
    expect(codeOf(() => parseListQuery(spec, { limit: ['1', '2'] }))).to.equal('query.invalid_parameter');
    expect(codeOf(() => parseListQuery(spec, { foo: '1' }))).to.equal('query.invalid_parameter');
    expect(codeOf(() => parseListQuery(spec, { offset: '3', after: 'x' }))).to.equal('query.conflicting_paging');
    expect(codeOf(() => parseListQuery(spec, { after: 'x', before: 'y' }))).to.equal('query.conflicting_paging');
  });
});

describe('cursors', () => {
  const codec = createCursorCodec(Buffer.from('0123456789abcdef0123456789abcdef'));
  const digest = queryDigest({ organisation: 'a', sort: ['createdAt'] });

  it('round-trip dates, ids, strings and nulls', () => {
    const id = new ObjectId();
    const at = new Date('2024-05-01T10:00:00.000Z');
    const position = codec.decode(codec.encode({ createdAt: at, name: null, label: 'x', _id: id }, digest), digest);
    expect(position.get('createdAt')).to.deep.equal(at);
    expect(position.get('name')).to.equal(null);
    expect(position.get('label')).to.equal('x');
    expect((position.get('_id') as ObjectId).equals(id)).to.equal(true);
  });

  it('refuse edited, forged, truncated and foreign cursors', () => {
    const cursor = codec.encode({ _id: new ObjectId() }, digest);
    const [payload, signature] = cursor.split('.');
    const edited = Buffer.from(JSON.stringify({ q: digest, k: ['_id'], v: [{ $oid: 'f'.repeat(24) }] })).toString('base64url');
    const other = createCursorCodec(Buffer.from('another secret of thirty-two b.'));
    for (const bad of [
      `${edited}.${signature}`,
      payload,
      `${payload}.`,
      `${payload}.${signature}x`,
      'not a cursor',
      `${payload}.${signature}.x`,
      other.encode({ _id: new ObjectId() }, digest),
    ]) {
      expect(
        codeOf(() => codec.decode(bad, digest)),
        bad,
      ).to.equal('query.invalid_cursor');
    }
    expect(codeOf(() => codec.decode(cursor, queryDigest({ organisation: 'b', sort: ['createdAt'] })))).to.equal('query.invalid_cursor');
  });
});
