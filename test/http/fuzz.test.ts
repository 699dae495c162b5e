// Property test: malformed bodies, query strings and cursors thrown at the list and create routes never produce a
// 5xx or a crash; every refusal is a 4xx with an error code; refused requests leave the stored data unchanged.
import { expect } from 'chai';
import fc from 'fast-check';
import { validateIfi } from '../../src/domain/xapi/index.ts';
import { startTestApi, type TestApi } from './http-support.ts';
import { unguarded } from '../support/shard-key-guard.ts';

// A fixed seed by default, so a run is reproducible and CI is not decided by chance (this one once found a 2 KB
// filter value answering 500); FUZZ_SEED=<n> explores other inputs.
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 1130588277);

const COLLECTIONS = ['personas', 'personaIdentifiers', 'personaAttributes', 'personaLinks', 'personaEmailClaims'];
const LIST_ROUTES = [
  '/v1/personas',
  '/v1/personas/count',
  '/v1/identifiers',
  '/v1/identifiers/count',
  '/v1/attributes',
  '/v1/persona-links',
];
const FIELDS = [
  'id',
  'name',
  'active',
  'createdAt',
  'metadata',
  'metadata.x',
  'identifier.key',
  'identifier.value',
  'attribute.level',
  'linkedTo.recordId',
  'persona',
  'ifi.key',
  'ifi.value',
  'key',
  'value',
  'recTypeName',
  'nope',
  '',
  '$where',
  'a.$gt',
];
const OPS = ['eq', 'ne', 'like', 'in', 'gt', 'gte', 'lt', 'lte', 'exists', 'regex', '', '$ne'];

async function snapshot(api: TestApi): Promise<string> {
  const parts = await Promise.all(
    COLLECTIONS.map((name) =>
      unguarded(api.built.store)
        .collection(name)
        .find({}, { sort: { _id: 1 } }),
    ),
  );
  return JSON.stringify(parts);
}

const weirdText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', 'null', 'true', '-1', '1e309', 'NaN', '[]', '{}', '%', '\u0000', 'a'.repeat(5000), '2024-13-45', 'f'.repeat(24)),
);

const queryEntry = fc.oneof(
  fc.tuple(
    fc.constantFrom('limit', 'offset', 'after', 'before', 'sort', 'stack', 'include', 'search', 'cascade', 'persona', 'active'),
    weirdText,
  ),
  fc.tuple(
    fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...OPS)).map(([field, op]) => `search.${field}.${op}`),
    weirdText,
  ),
  fc.tuple(fc.string(), weirdText),
);

function queryString(entries: Array<[string, string]>): string {
  return entries.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
}

function expectClientError(answer: { status: number; body: any }, context: string) {
  expect(answer.status, context).to.be.within(400, 499);
  expect(answer.body?.error?.code, context).to.be.a('string');
  expect(answer.body.error.details, context).to.be.an('array');
}

describe('HTTP: fuzzing the list and create routes', function () {
  this.timeout(300_000);
  let api: TestApi;
  let initial: string;
  let validCursor: string;

  before(async () => {
    api = await startTestApi();
    await api.request('POST', '/v1/personas', {
      body: Array.from({ length: 12 }, (_, index) => ({
        name: `F${index}`,
        identifiers: [{ key: 'mbox', value: `mailto:f${index}@example.org` }],
        attributes: { level: index },
      })),
    });
    validCursor = (await api.request('GET', '/v1/personas?limit=3')).body.page.nextCursor;
    initial = await snapshot(api);
  });
  after(async () => {
    await api?.close();
  });

  it('random query strings on every list route: never a 5xx, refusals carry a code, nothing changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...LIST_ROUTES), fc.array(queryEntry, { maxLength: 5 }), async (route, entries) => {
        const answer = await api.request('GET', `${route}?${queryString(entries)}`);
        const context = `${route}?${queryString(entries)}`;
        expect(answer.status, context).to.be.below(500);
        if (answer.status >= 400) expectClientError(answer, context);
      }),
      { numRuns: 300, seed: FUZZ_SEED },
    );
    expect(await snapshot(api)).to.equal(initial);
  });

  it('random and mutated cursors: always 400 query.invalid_cursor', async () => {
    const mutated = fc
      .tuple(fc.nat({ max: validCursor.length - 1 }), fc.constantFrom('A', 'b', '_', '-', '.', '0'))
      .map(([index, character]) => validCursor.slice(0, index) + character + validCursor.slice(index + 1))
      .filter((cursor) => cursor !== validCursor);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated,
          weirdText.filter((text) => text !== ''),
        ),
        fc.constantFrom('after', 'before'),
        async (cursor, direction) => {
          const answer = await api.request('GET', `/v1/personas?limit=3&${direction}=${encodeURIComponent(cursor)}`);
          expect(answer.status, cursor).to.equal(400);
          expect(answer.body.error.code, cursor).to.equal('query.invalid_cursor');
        },
      ),
      { numRuns: 200, seed: FUZZ_SEED },
    );
  });

  it('malformed and invalid bodies on the create routes: 4xx with a code, nothing stored', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const invalidName = fc.oneof(
      fc.constant(undefined),
      fc.constant(''),
      fc.constant('   '),
      fc.string({ minLength: 201, maxLength: 300 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string()),
    );
    const personaBody = fc.tuple(fc.dictionary(fc.string(), json), invalidName).map(([object, name]) => {
      const body: Record<string, unknown> = { ...object };
      if (name === undefined) delete body.name;
      else body.name = name;
      return body;
    });
    const identifierBody = fc
      .dictionary(fc.string(), json)
      .map((object) => object)
      .filter((object) => !(object.ifi && validateIfi(object.ifi) === null));
    const linkBody = fc.record(
      { persona: fc.oneof(fc.string(), fc.constant('f'.repeat(24))), recTypeName: json, recId: json },
      { requiredKeys: [] },
    );
    const rawText = fc.oneof(fc.string(), fc.constantFrom('{', '[1,', '{"name":}', 'null', '"x"', '1', '{"name": "a",}', '\u0000'));
    const request = fc.oneof(
      fc.tuple(
        fc.constant('/v1/personas'),
        fc.oneof(personaBody, fc.array(personaBody, { maxLength: 3 })).map((body) => ({ body })),
      ),
      fc.tuple(
        fc.constant('/v1/identifiers'),
        identifierBody.map((body) => ({ body })),
      ),
      fc.tuple(
        fc.constant('/v1/persona-links'),
        linkBody.map((body) => ({ body })),
      ),
      fc.tuple(
        fc.constantFrom('/v1/personas', '/v1/identifiers', '/v1/persona-links', '/v1/resolve'),
        rawText.map((raw) => ({ raw })),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([route, payload]) => {
        const answer = await api.request('POST', route, payload);
        const context = `${route} ${JSON.stringify(payload).slice(0, 300)}`;
        if (Array.isArray((payload as { body?: unknown }).body) && answer.status === 200) {
          // A batch answers 200 with one refusal per item.
          for (const result of answer.body.results) {
            expect(result.status, context).to.be.within(400, 499);
            expect(result.error.code, context).to.be.a('string');
          }
          return;
        }
        expectClientError(answer, context);
      }),
      { numRuns: 300, seed: FUZZ_SEED },
    );
    expect(await snapshot(api)).to.equal(initial);
  });
});
