// A projected find decodes only the fields its filter, sort and projection name (partial-decode.ts). It must give
// exactly what decoding the whole document gives: same values and classes, same key order, a missing field absent
// (not null). The store cases compare against the same find phrased with `$and`, which always decodes everything.
import { expect } from 'chai';
import { Binary, ObjectId } from 'bson';
import { decodeDocument, encodeDocument } from '../../src/store/embedded/codec.ts';
import { openEmbeddedStore } from '../../src/store/embedded/index.ts';
import { compilePartialDecoder } from '../../src/store/embedded/partial-decode.ts';
import type { Document, Store } from '../../src/store/port.ts';
import { freshDataDir } from './temp-dir.ts';

const pick = (document: Document, fields: string[]): Document =>
  Object.fromEntries(Object.entries(document).filter(([key]) => fields.includes(key)));

function richDocument(): Document {
  return {
    _id: new ObjectId(),
    organisation: new ObjectId(),
    small: 7,
    negative: -3,
    int8: -100,
    uint8: 200,
    int16: -30_000,
    uint16: 60_000,
    int32: -2_000_000_000,
    uint32: 4_000_000_000,
    big: 2 ** 53 - 1,
    float: 1.25,
    nan: Number.NaN,
    zero: 0,
    yes: true,
    no: false,
    nothing: null,
    short: 'abc',
    medium: 'm'.repeat(40),
    long: 'l'.repeat(300),
    huge: 'h'.repeat(70_000),
    unicode: 'héllo ✓ 😀',
    empty: '',
    lone: 'x\ud800y', // a lone surrogate: both decoders give the same replacement
    when: new Date(1_700_000_000_123),
    old: new Date(-5_000),
    far: new Date(8_000_000_000_000_000),
    nested: { a: 1, b: [1, 'two', { c: new ObjectId() }], d: { e: null } },
    list: Array.from({ length: 20 }, (_, n) => n * 1.5),
    longList: Array.from({ length: 70_000 }, (_, n) => n),
    wide: Object.fromEntries(Array.from({ length: 20 }, (_, n) => [`k${n}`, n])),
    bytes: new Binary(Buffer.from([0, 1, 2, 255])),
    [`${'x'.repeat(40)}`]: 'long field name',
    mergedInto: new ObjectId(),
    canonicalKey: 'mbox|mailto:a@example.org',
    persona: new ObjectId(),
  };
}

describe('embedded store: partial decoding of projected finds', function () {
  it('decodes any subset of fields exactly as the whole-document decode, in document order', function () {
    const document = richDocument();
    const bytes = encodeDocument(document);
    const whole = decodeDocument(bytes);
    const names = Object.keys(whole);
    const subsets = [
      ['_id'],
      ['persona', 'canonicalKey', '_id'],
      ['mergedInto'],
      ['huge', 'longList', 'bytes'],
      ['nested', 'wide', 'far', 'old'],
      ['nan', 'uint32', 'int32', 'big', 'float', 'negative', 'unicode', 'empty', 'nothing', 'no', 'lone'],
      ['x'.repeat(40)],
      names,
    ];
    for (const fields of subsets) {
      const partial = compilePartialDecoder(fields)(bytes);
      expect(partial, fields.join(',')).to.deep.equal(pick(whole, fields));
      expect(Object.keys(partial)).to.deep.equal(names.filter((name) => fields.includes(name)));
    }
    expect(compilePartialDecoder(['persona'])(bytes).persona).to.be.instanceOf(ObjectId);
    expect(compilePartialDecoder(['when'])(bytes).when).to.be.instanceOf(Date);
  });

  it('leaves a missing field absent, not null', function () {
    const bytes = encodeDocument({ _id: new ObjectId(), organisation: new ObjectId(), name: 'p' });
    const partial = compilePartialDecoder(['_id', 'mergedInto'])(bytes);
    expect(Object.keys(partial)).to.deep.equal(['_id']);
    expect(compilePartialDecoder(['absent'])(bytes)).to.deep.equal({});
  });

  describe('finds', function () {
    let store: Store;
    const organisation = new ObjectId();
    const other = new ObjectId();
    const documents: Document[] = [];

    before(async function () {
      store = await openEmbeddedStore({ dataDir: freshDataDir(), mapSizeGb: 1 });
      const personas = store.collection('personas');
      await personas.createIndex({ organisation: 1 });
      await personas.createIndex({ organisation: 1, name: 1 }, { unique: true });
      for (let n = 0; n < 60; n += 1) {
        documents.push({
          _id: new ObjectId(),
          organisation: n % 4 === 3 ? other : organisation,
          name: `p${n}`,
          rank: n % 7,
          profile: { city: `c${n % 5}`, age: n },
          ...(n % 3 === 0 ? { mergedInto: new ObjectId() } : {}),
          ...(n % 5 === 0 ? { mergedInto: null } : {}),
          tags: n % 2 ? ['a', 'b'] : 'a',
        });
      }
      await personas.insertMany(documents);
    });
    after(async function () {
      await store.close();
    });

    // Filters are built when a test runs: the documents are inserted in before().
    const cases: Array<{ label: string; filter: () => Document; options: Document }> = [
      {
        label: 'resolver persona read',
        filter: () => ({ _id: { $in: documents.map((document) => document._id) }, organisation }),
        options: { projection: { _id: 1, mergedInto: 1 } },
      },
      {
        label: 'filter on a field not projected',
        filter: () => ({ organisation, rank: { $gte: 3 } }),
        options: { projection: { name: 1 } },
      },
      {
        label: 'dotted filter and projection, sort',
        filter: () => ({ organisation, 'profile.age': { $lt: 40 } }),
        options: { projection: { 'profile.city': 1, _id: 0 }, sort: { rank: -1, name: 1 } },
      },
      {
        label: 'array field',
        filter: () => ({ organisation, tags: 'b' }),
        options: { projection: { tags: 1, mergedInto: 1 }, sort: { name: 1 }, skip: 2, limit: 5 },
      },
      // The unique index proves organisation and name: the documents are decoded to the projection's fields only.
      {
        label: 'resolver identifier read (lookup proved by a unique index)',
        filter: () => ({ organisation, name: { $in: ['p0', 'p1', 'p2', 'p4', 'p3', 'nobody'] } }),
        options: { projection: { _id: 1, mergedInto: 1, rank: 1 } },
      },
      {
        label: 'proved lookup without _id',
        filter: () => ({ organisation, name: { $in: ['p0', 'p5', 'p6'] } }),
        options: { projection: { _id: 0, mergedInto: 1, name: 1 } },
      },
      {
        label: 'proved lookup, sorted',
        filter: () => ({ organisation, name: { $in: ['p0', 'p5', 'p6', 'p9'] } }),
        options: { projection: { rank: 1 }, sort: { rank: 1 } },
      },
      { label: 'null matches missing', filter: () => ({ organisation, mergedInto: null }), options: { projection: { mergedInto: 1 } } },
    ];

    for (const { label, filter: filterFor, options } of cases) {
      it(`${label}: same result as the whole-document path`, async function () {
        const filter = filterFor();
        const personas = store.collection('personas');
        const fast = await personas.find(filter, options);
        const general = await personas.find({ $and: [filter] }, options);
        expect(fast.length).to.be.greaterThan(0);
        expect(fast).to.deep.equal(general);
        expect(fast.map((document) => Object.keys(document))).to.deep.equal(general.map((document) => Object.keys(document)));
      });
    }

    it("keeps a merged persona's mergedInto an ObjectId and an unmerged one without the field", async function () {
      const found = await store
        .collection('personas')
        .find({ _id: { $in: documents.map((document) => document._id) }, organisation }, { projection: { _id: 1, mergedInto: 1 } });
      const byId = new Map(found.map((document) => [document._id.toHexString(), document]));
      for (const document of documents.filter((candidate) => candidate.organisation === organisation)) {
        const read = byId.get(document._id.toHexString())!;
        expect('mergedInto' in read).to.equal('mergedInto' in document);
        if (document.mergedInto)
          expect(read.mergedInto)
            .to.be.instanceOf(ObjectId)
            .and.satisfy((id: ObjectId) => id.equals(document.mergedInto));
      }
    });
  });
});
