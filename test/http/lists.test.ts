// List mechanics on /v1/personas (and the other lists): offset and cursor paging across page boundaries in both
// directions, every filter operator, sort with ties, stack, include, count, and cursor tamper-evidence.
import { expect } from 'chai';
import { startTestApi, type TestApi } from './http-support.ts';

interface PersonaRow {
  id: string;
  name: string;
  active: boolean;
  metadata: Record<string, unknown>;
}

describe('HTTP: lists', () => {
  let api: TestApi;
  const names: string[] = [];
  before(async () => {
    api = await startTestApi();
    // 25 personas; names repeat (ties) so sorting by name needs the id tie-breaker.
    const items = Array.from({ length: 25 }, (_, index) => ({
      name: `P${String(index % 5).padStart(2, '0')}`,
      active: index % 3 !== 0,
      metadata: { rank: index, group: index % 2 === 0 ? 'even' : 'odd' },
      profile: index === 7 ? { tagline: 'Needle in the haystack' } : {},
      identifiers: [{ key: 'account', value: { homePage: 'https://lms.example.org', name: `user-${index}` } }],
      attributes: { level: index % 4, team: index < 10 ? 'red' : 'blue' },
    }));
    const { body } = await api.request('POST', '/v1/personas', { body: items });
    expect(body.results.every((result: { status: number }) => result.status === 201)).to.equal(true);
    names.push(...items.map((item) => item.name));
    const ids = body.results.map((result: { id: string }) => result.id);
    await api.request('POST', '/v1/persona-links', { body: { persona: ids[3], recTypeName: 'cohort', recId: 'c-1' } });
    await api.request('POST', '/v1/persona-links', { body: { persona: ids[4], recTypeName: 'cohort', recId: 'c-2' } });
  });
  after(async () => {
    await api.close();
  });

  async function all(path: string): Promise<PersonaRow[]> {
    return (await api.request('GET', path)).body.data;
  }

  it('pages by offset across a boundary: limit default 20, max 100 clamped, no overlap', async () => {
    const first = await api.request('GET', '/v1/personas');
    expect(first.body.page).to.include({ limit: 20, offset: 0, prevCursor: null });
    expect(first.body.data).to.have.length(20);
    const second = await api.request('GET', '/v1/personas?offset=20');
    expect(second.body.data).to.have.length(5);
    expect(second.body.page.nextCursor).to.equal(null);
    const ids = [...first.body.data, ...second.body.data].map((row: PersonaRow) => row.id);
    expect(new Set(ids).size).to.equal(25);
    expect((await api.request('GET', '/v1/personas?limit=1000')).body.page.limit).to.equal(100);
  });

  it('pages by cursor forwards and backwards with ties in the sort, never repeating or skipping', async () => {
    const everything = (await all('/v1/personas?sort=name&limit=100')).map((row) => row.id);
    expect(everything).to.have.length(25);
    const seen: string[] = [];
    let page = await api.request('GET', '/v1/personas?sort=name&limit=7');
    const cursors: string[] = [];
    for (;;) {
      seen.push(...page.body.data.map((row: PersonaRow) => row.id));
      if (!page.body.page.nextCursor) break;
      cursors.push(page.body.page.nextCursor);
      page = await api.request('GET', `/v1/personas?sort=name&limit=7&after=${encodeURIComponent(page.body.page.nextCursor)}`);
    }
    expect(seen).to.deep.equal(everything);
    // Backwards from the last page.
    const back: string[] = [];
    let prev = page.body.page.prevCursor as string | null;
    back.unshift(...page.body.data.map((row: PersonaRow) => row.id));
    while (prev) {
      const answer = await api.request('GET', `/v1/personas?sort=name&limit=7&before=${encodeURIComponent(prev)}`);
      back.unshift(...answer.body.data.map((row: PersonaRow) => row.id));
      prev = answer.body.page.prevCursor;
    }
    expect(back).to.deep.equal(everything);
  });

  it('sorts descending with - and by several keys; ties are broken by id', async () => {
    const rows = await all('/v1/personas?sort=-name,active&limit=100');
    const keys = rows.map((row) => [row.name, row.active]);
    const sorted = [...keys].sort((a, b) => (a[0] === b[0] ? Number(a[1]) - Number(b[1]) : String(b[0]).localeCompare(String(a[0]))));
    expect(keys).to.deep.equal(sorted);
    const twice = await all('/v1/personas?sort=-name,active&limit=100');
    expect(twice.map((row) => row.id)).to.deep.equal(rows.map((row) => row.id));
  });

  it('filters with every operator', async () => {
    const count = async (query: string) => (await api.request('GET', `/v1/personas/count?${query}`)).body.count;
    expect(await count('search.name.eq=P01')).to.equal(5);
    expect(await count('search.name.ne=P01')).to.equal(20);
    expect(await count('search.name.like=p0')).to.equal(25);
    expect(await count('search.name.in=P01,P02')).to.equal(10);
    expect(await count('search.metadata.rank.gt=20')).to.equal(4);
    expect(await count('search.metadata.rank.gte=20')).to.equal(5);
    expect(await count('search.metadata.rank.lt=3')).to.equal(3);
    expect(await count('search.metadata.rank.lte=3')).to.equal(4);
    expect(await count('search.profile.tagline.exists=true')).to.equal(1);
    expect(await count('search.profile.tagline.exists=false')).to.equal(24);
    expect(await count('search.active.eq=false')).to.equal(9);
    expect(await count('active=true')).to.equal(16);
    expect(await count('search.createdAt.lte=2000-01-01')).to.equal(0);
    expect(await count('search.createdAt.gte=2000-01-01')).to.equal(25);
    expect(await count('search=needle')).to.equal(1);
    expect(await count('search=P03')).to.equal(5);
  });

  it('filters on identifiers, attributes and links of the personas', async () => {
    const count = async (query: string) => (await api.request('GET', `/v1/personas/count?${query}`)).body.count;
    expect(await count('search.identifier.key.eq=account')).to.equal(25);
    expect(await count('search.identifier.value.eq=user-3')).to.equal(1);
    expect(await count('search.identifier.value.like=USER-1')).to.equal(11);
    expect(await count('search.attribute.team.eq=red')).to.equal(10);
    expect(await count('search.attribute.level.eq=3')).to.equal(6);
    expect(await count('search.attribute.level.gte=2')).to.equal(12);
    expect(await count('search.attribute.level.ne=0')).to.equal(18);
    expect(await count('search.linkedTo.recordType.eq=cohort')).to.equal(2);
    expect(await count('search.linkedTo.recordId.eq=c-2')).to.equal(1);
    expect(await count('search.linkedTo.recordId.exists=false')).to.equal(23);
    const rows = await all('/v1/personas?search.attribute.team.eq=red&search.name.eq=P01');
    expect(rows).to.have.length(2);
  });

  it('refuses unknown fields and operators with query.invalid_filter, and bad paging parameters', async () => {
    for (const query of [
      'search.colour.eq=red',
      'search.name.regex=x',
      'search.createdAt.gt=soon',
      'search.active.eq=1',
      'search.identifier.value.gt=a&search.nope.eq=1',
    ]) {
      const answer = await api.request('GET', `/v1/personas?${query}`);
      expect(answer.status, query).to.equal(400);
      expect(answer.body.error.code, query).to.equal('query.invalid_filter');
    }
    expect((await api.request('GET', '/v1/personas?limit=0')).body.error.code).to.equal('query.invalid_limit');
    expect((await api.request('GET', '/v1/personas?offset=x')).body.error.code).to.equal('query.invalid_offset');
    expect((await api.request('GET', '/v1/personas?sort=colour')).body.error.code).to.equal('query.invalid_sort');
    expect((await api.request('GET', '/v1/personas?stack=metadata')).body.error.code).to.equal('query.invalid_stack');
    expect((await api.request('GET', '/v1/personas?include=everything')).body.error.code).to.equal('query.invalid_include');
    expect((await api.request('GET', '/v1/personas?colour=red')).body.error.code).to.equal('query.invalid_parameter');
  });

  it('refuses forged, edited and foreign cursors with query.invalid_cursor', async () => {
    const { body } = await api.request('GET', '/v1/personas?sort=name&limit=5');
    const cursor: string = body.page.nextCursor;
    const [payload, signature] = cursor.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), v: ['P04', { $oid: 'f'.repeat(24) }] }),
    ).toString('base64url');
    const other = await api.newClient({ newOrganisation: true });
    const cases: Array<[string, object?]> = [
      [`/v1/personas?sort=name&after=${forgedPayload}.${signature}`],
      [`/v1/personas?sort=name&after=garbage`],
      [`/v1/personas?sort=-name&after=${cursor}`],
      [`/v1/personas?sort=name&search.name.eq=P01&after=${cursor}`],
      [`/v1/personas?sort=name&after=${cursor}`, other],
      [`/v1/identifiers?after=${cursor}`],
    ];
    for (const [path, auth] of cases) {
      const answer = await api.request('GET', path, auth ? { auth: auth as { key: string; secret: string } } : {});
      expect(answer.status, path).to.equal(400);
      expect(answer.body.error.code).to.equal('query.invalid_cursor');
    }
    expect((await api.request('GET', `/v1/personas?sort=name&after=${cursor}&offset=3`)).body.error.code).to.equal(
      'query.conflicting_paging',
    );
  });

  it('stacks a page by a field, in groups with counts', async () => {
    const { body } = await api.request('GET', '/v1/personas?stack=active&limit=100');
    expect(body.data.map((group: { key: boolean; count: number }) => [group.key, group.count])).to.deep.equal([
      [false, 9],
      [true, 16],
    ]);
    expect(body.data[0].items[0]).to.have.property('name');
  });

  it('embeds identifiers, attributes and links with include=', async () => {
    const rows = (await api.request('GET', '/v1/personas?include=identifiers,attributes,links&limit=5&sort=createdAt')).body.data;
    expect(rows[0].identifiers).to.have.length(1);
    expect(rows[0].attributes).to.have.length(2);
    expect(rows[3].links[0]).to.include({ recTypeName: 'cohort', recId: 'c-1' });
    expect((await all('/v1/personas?limit=1'))[0]).to.not.have.property('identifiers');
  });

  it("lists and counts never include another organisation's documents", async () => {
    const other = await api.newClient({ newOrganisation: true });
    await api.request('POST', '/v1/personas', {
      auth: other,
      body: { name: 'P01', identifiers: [{ key: 'mbox', value: 'mailto:x@other.org' }] },
    });
    expect((await api.request('GET', '/v1/personas/count', { auth: other })).body.count).to.equal(1);
    expect((await api.request('GET', '/v1/personas/count?search.name.eq=P01')).body.count).to.equal(5);
    expect((await api.request('GET', '/v1/identifiers/count')).body.count).to.equal(25);
    expect((await api.request('GET', '/v1/personas/count?search.identifier.value.eq=mailto:x@other.org')).body.count).to.equal(0);
  });
});
