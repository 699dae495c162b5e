// Identity health over the real app (issue 15): GET /v1/stats/identity counts, the identifiers-per-persona
// distribution, multi-kind share, de-duplication rate, merges and undos per day in the series, validation of `days`,
// organisation isolation, the counts served by indexes, and the Prometheus gauges on /metrics/cluster.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { MERGED_PERSONAS } from '../../src/features/identity-health/identity-counts.ts';
import { recordBlockedIdentifiers } from '../../src/features/identity-rules/blocked-tally.ts';
import { accountIfi, basic, createPersona, expectError, mboxIfi, startTestApi, type TestApi } from '../identity/support/identity-api.ts';

describe('HTTP: identity health', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(async () => {
    await api.close();
  });

  const health = async (query = '', auth?: { key: string; secret: string }) => {
    const answer = await api.request('GET', `/v1/stats/identity${query}`, auth ? { auth } : {});
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body;
  };

  it('counts personas, identifiers by kind, identifiers per persona, multi-kind share, merges, undos and the de-duplication rate', async () => {
    const ada = await createPersona(api, {
      name: 'Ada',
      identifiers: [mboxIfi('ada@example.org'), accountIfi('https://lms.example.org', 'ada')],
    });
    const adaToo = await createPersona(api, { name: 'Ada L', identifiers: [mboxIfi('ada.l@example.org')] });
    const bob = await createPersona(api, { name: 'Bob', identifiers: [mboxIfi('bob@example.org')] });
    const bobToo = await createPersona(api, { name: 'Bob B', identifiers: [mboxIfi('bob.b@example.org')] });
    await createPersona(api, { name: 'Nobody' });
    expect((await api.request('POST', `/v1/personas/${ada}/merge`, { body: { from: [adaToo] } })).status).to.equal(201);
    const undone = await api.request('POST', `/v1/personas/${bob}/merge`, { body: { from: [bobToo] } });
    expect((await api.request('POST', `/v1/merges/${undone.body.id}/undo`)).status).to.equal(200);

    const figures = await health('?days=7');
    expect(figures).to.include({ personas: 4, mergedPersonas: 1, identifiers: 5, blockedIdentifiers: 0 });
    expect(figures.identifiersByKind).to.deep.equal({ mbox: 4, mbox_sha1sum: 0, openid: 0, account: 1 });
    expect(figures.deduplicationRate).to.equal(1 / 5);
    const buckets = Object.fromEntries(
      figures.identifiersPerPersona.buckets.map((bucket: { identifiers: string; personas: number }) => [
        bucket.identifiers,
        bucket.personas,
      ]),
    );
    expect(buckets).to.include({ 0: 1, 1: 2, 3: 1, 2: 0, '10+': 0 });
    expect(figures.identifiersPerPersona.multiKindPersonas).to.equal(1);
    expect(figures.multiKindShare).to.equal(1 / 4);
    expect(figures.duplicateSuggestionsOpen).to.be.a('number');

    expect(figures.series).to.have.length(7);
    const today = figures.series[6];
    expect(today.date).to.equal(new Date().toISOString().slice(0, 10));
    expect(today).to.deep.equal({
      date: today.date,
      personasCreated: 5,
      merges: 2,
      undos: 1,
      blockedIdentifiers: 0,
      personas: 4,
      deduplicationRate: 1 / 5,
    });
    expect(figures.series[5]).to.deep.include({ personasCreated: 0, merges: 0, personas: 0, deduplicationRate: 0 });
  });

  it("walks the series back through older days from the store's dates", async () => {
    const organisation = new ObjectId(api.admin.organisation);
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    await api.built.store.collection('personas').insertMany([
      { organisation, name: 'Old', active: true, createdAt: threeDaysAgo, updatedAt: threeDaysAgo },
      { organisation, name: 'Old too', active: true, createdAt: threeDaysAgo, updatedAt: threeDaysAgo },
    ]);
    await createPersona(api, { name: 'New' });
    const { series } = await health('?days=5');
    expect(series.map((day: { personasCreated: number }) => day.personasCreated)).to.deep.equal([0, 2, 0, 0, 1]);
    expect(series.map((day: { personas: number }) => day.personas)).to.deep.equal([0, 2, 2, 2, 3]);
  });

  it('counts the identifiers the blocked-value rules refused on each path, per day in the series, per organisation', async () => {
    const statement = (actor: Record<string, unknown>) => ({
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
      object: { id: 'https://example.org/course/health' },
    });
    // Statements: two blocked agents (one statement each), the clean one resolves.
    const resolved = await api.request('POST', '/v1/statements?wait=true', {
      body: [
        statement({ mbox: 'mailto:test@test.com' }),
        statement({ account: { homePage: 'https://lms.example.org', name: '0' } }),
        statement({ mbox: 'mailto:ada@example.org' }),
      ],
    });
    expect(resolved.status, JSON.stringify(resolved.body)).to.equal(200);
    // The API and Learning Locker's route: one refused identifier each.
    expect((await api.request('POST', '/v1/identifiers', { body: { ifi: mboxIfi('noreply@example.org') } })).status).to.equal(422);
    const persona = (await api.request('POST', '/api/v2/persona', { body: { name: 'Ann' } })).body._id;
    const ll = await api.request('POST', '/api/v2/personaidentifier', {
      body: { ifi: { key: 'account', value: { homePage: 'https://lms.example.org', name: 'null' } }, persona },
    });
    expect(ll.status).to.be.within(400, 499);
    // A CSV import: one row with two blocked identifiers, one clean row.
    const form = new FormData();
    form.append(
      'file',
      new Blob(['email,other\nanonymous@example.org,test@test.com\nbo@example.org,\n'], { type: 'text/csv' }),
      'rows.csv',
    );
    form.append('mapping', JSON.stringify({ columns: { email: { type: 'mbox', primary: 1 }, other: { type: 'mbox', primary: 2 } } }));
    const started = (await (
      await fetch(`${api.baseUrl}/v1/imports`, { method: 'POST', body: form, headers: { authorization: basic(api.admin) } })
    ).json()) as any;
    let done: any;
    do done = (await api.request('GET', `/v1/imports/${started.id}`)).body;
    while (done.state === 'processing');
    expect(done.counts).to.include({ created: 1, errors: 1 });
    // Two refusals recorded two days ago (the tally is by UTC day).
    await recordBlockedIdentifiers(api.built.store, new ObjectId(api.admin.organisation), 2, new Date(Date.now() - 2 * 86_400_000));

    const figures = await health('?days=3');
    expect(figures.blockedIdentifiers).to.equal(2 + 1 + 1 + 2 + 2);
    expect(figures.series.map((day: { blockedIdentifiers: number }) => day.blockedIdentifiers)).to.deep.equal([2, 0, 6]);
    const other = await api.newClient({ newOrganisation: true, scopes: ['personas:read'] });
    expect((await health('', other)).blockedIdentifiers).to.equal(0);
  });

  it('refuses a bad `days` naming the parameter, and shows another organisation only its own figures', async () => {
    await createPersona(api, { name: 'Ada', identifiers: [mboxIfi('ada@example.org')] });
    for (const days of ['0', '367', 'x', '1.5']) {
      const answer = await api.request('GET', `/v1/stats/identity?days=${days}`);
      expectError(answer, 400, 'query.invalid_parameter');
      expect(answer.body.error.details[0].path).to.equal('query.days');
    }
    expect((await health()).series).to.have.length(30);
    const other = await api.newClient({ newOrganisation: true, scopes: ['personas:read'] });
    const theirs = await health('', other);
    expect(theirs).to.include({ personas: 0, identifiers: 0, mergedPersonas: 0 });
    const noScope = await api.newClient({ scopes: ['statements:write'] });
    expect((await api.request('GET', '/v1/stats/identity', { auth: noScope })).status).to.equal(403);
  });

  it('reads the counts and the daily ranges through indexes, not by scanning personas', async () => {
    const organisation = new ObjectId(api.admin.organisation);
    const personas = api.built.store.collection('personas');
    const identifiers = api.built.store.collection('personaIdentifiers');
    expect((await personas.explain({ organisation, createdAt: { $gte: new Date(0), $lt: new Date() } })).indexName).to.not.equal(null);
    const tombstones = await personas.explain({ organisation, ...MERGED_PERSONAS });
    expect(tombstones.indexName).to.equal('organisation_1_mergedInto_1');
    expect(tombstones.docsExamined, 'only the tombstones are read').to.equal(0);
    expect((await identifiers.explain({ organisation, 'ifi.key': 'mbox' })).indexName).to.not.equal(null);
    expect(
      (await api.built.store.collection('personaMerges').explain({ organisation, updatedAt: { $gte: new Date(0) } })).indexName,
    ).to.not.equal(null);
  });

  it('exposes deployment-wide gauges and per-organisation de-duplication on /metrics/cluster', async () => {
    const ada = await createPersona(api, { name: 'Ada', identifiers: [mboxIfi('ada@example.org')] });
    const adaToo = await createPersona(api, { name: 'Ada L', identifiers: [accountIfi('https://lms.example.org', 'ada')] });
    await api.request('POST', `/v1/personas/${ada}/merge`, { body: { from: [adaToo] } });
    const text = (await api.request('GET', '/metrics/cluster', { auth: null })).body as string;
    expect(text).to.match(/^persona_identity_personas\{state="live"\} 1$/m);
    expect(text).to.match(/^persona_identity_personas\{state="merged"\} 1$/m);
    expect(text).to.match(/^persona_identity_identifiers\{kind="account"\} 1$/m);
    expect(text).to.match(/^persona_identity_deduplication_ratio 0\.5$/m);
    expect(text).to.include(`persona_identity_organisation_deduplication_ratio{organisation="${api.admin.organisation}"} 0.5`);
  });
});
