// Name policy over the real app (issue 15): GET/PUT /v1/identity-rules (scopes, validation, one organisation's
// rules only), a policy change renaming personas at once, statements renaming under `latest`/`most_frequent`, and
// an API rename pinning the name whatever the policy.
import { expect } from 'chai';
import { startTestApi, type TestApi } from './http-support.ts';

let clock = Date.UTC(2026, 0, 1);
/** Statements a minute apart, in the order written: when their agents were seen under their names. */
const statement = (mbox: string, name: string) => ({
  timestamp: new Date((clock += 60_000)).toISOString(),
  actor: { mbox, name },
  verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
  object: { id: 'https://example.org/course/policy' },
});

describe('HTTP: name policy (identity rules)', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  async function resolve(mbox: string, names: string[]): Promise<string> {
    const answer = await api.request('POST', '/v1/statements?wait=true', { body: names.map((name) => statement(mbox, name)) });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body.results[0].agents[0].personaId;
  }
  const nameOf = async (id: string): Promise<string> => (await api.request('GET', `/v1/personas/${id}`)).body.name;
  const setPolicy = async (namePolicy: string) => {
    const answer = await api.request('PUT', '/v1/identity-rules', { body: { namePolicy } });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body;
  };

  it('answers the default rules, refuses a bad policy naming the field, and needs clients:admin to change them', async () => {
    expect((await api.request('GET', '/v1/identity-rules')).body.namePolicy).to.equal('first');
    const bad = await api.request('PUT', '/v1/identity-rules', { body: { namePolicy: 'loudest' } });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('rules.failed_to_validate');
    expect(bad.body.error.details[0]).to.include({ path: 'namePolicy', code: 'rules.invalid_name_policy' });
    const unknown = await api.request('PUT', '/v1/identity-rules', { body: { namePolicy: 'first', blockList: [] } });
    expect(unknown.body.error.details[0]).to.include({ path: 'blockList', code: 'validation.unknown_field' });
    const writer = await api.newClient({ scopes: ['personas:read', 'personas:write'] });
    expect((await api.request('GET', '/v1/identity-rules', { auth: writer })).status).to.equal(200);
    const refused = await api.request('PUT', '/v1/identity-rules', { auth: writer, body: { namePolicy: 'latest' } });
    expect(refused.status).to.equal(403);
    expect((await api.request('GET', '/v1/identity-rules')).body.namePolicy).to.equal('first');
  });

  it('under the default policy a persona keeps its first name; `latest` renames at once and then follows statements', async () => {
    const id = await resolve('mailto:lin@example.org', ['Lin', 'Lin Y.']);
    expect(await nameOf(id)).to.equal('Lin');
    const change = await setPolicy('latest');
    expect(change.renamed).to.be.at.least(1);
    expect(await nameOf(id)).to.equal('Lin Y.');
    await resolve('mailto:lin@example.org', ['Lin Yu']);
    expect(await nameOf(id)).to.equal('Lin Yu');
  });

  it('`most_frequent` picks the name seen most often; back to `first` restores the earliest seen', async () => {
    const id = await resolve('mailto:kim@example.org', ['Kim', 'Kimberly', 'Kimberly', 'Kim B.']);
    await setPolicy('most_frequent');
    expect(await nameOf(id)).to.equal('Kimberly');
    await resolve('mailto:kim@example.org', ['Kim B.', 'Kim B.']);
    expect(await nameOf(id)).to.equal('Kim B.');
    await setPolicy('first');
    expect(await nameOf(id)).to.equal('Kim');
  });

  it('an API rename pins the name: neither statements nor a policy change rename the persona afterwards', async () => {
    await setPolicy('latest');
    const id = await resolve('mailto:pat@example.org', ['Pat']);
    expect((await api.request('PATCH', `/v1/personas/${id}`, { body: { name: 'Patricia (HR)' } })).status).to.equal(200);
    await resolve('mailto:pat@example.org', ['Pat S.']);
    expect(await nameOf(id)).to.equal('Patricia (HR)');
    await setPolicy('most_frequent');
    expect(await nameOf(id)).to.equal('Patricia (HR)');
  });

  it('`manual` renames nothing; rules are per organisation', async () => {
    await setPolicy('manual');
    const id = await resolve('mailto:max@example.org', ['Max', 'Maxine']);
    expect(await nameOf(id)).to.equal('Max');
    const other = await api.newClient({ newOrganisation: true, scopes: ['personas:read'] });
    expect((await api.request('GET', '/v1/identity-rules', { auth: other })).body.namePolicy).to.equal('first');
  });
});
