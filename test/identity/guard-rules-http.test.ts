// Identity guard rails over the real app (issue 15): the rules document (validation, defaults, dry run, existing
// data reported and left alone), and each path that creates or links identifiers applying them: statements resolved
// inline, the API (create, attach, move), merges and their dry run, CSV imports, and Learning Locker's /api surface.
import { expect } from 'chai';
import { accountIfi, createPersona, expectError, mboxIfi, startTestApi, type TestApi } from './support/identity-api.ts';

const LMS = 'https://lms.example.org';
const statement = (actor: Record<string, unknown>, instructor?: Record<string, unknown>) => ({
  actor,
  verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
  object: { id: 'https://example.org/course/guard' },
  ...(instructor ? { context: { instructor } } : {}),
});

describe('HTTP: identity guard rails', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(async () => {
    await api.close();
  });

  async function putRules(rules: Record<string, unknown>, query = '') {
    const answer = await api.request('PUT', `/v1/identity-rules${query}`, { body: { namePolicy: 'first', ...rules } });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body;
  }
  const identifierCount = async () => (await api.request('GET', '/v1/identifiers/count')).body.count as number;
  const personaCount = async () => (await api.request('GET', '/v1/personas/count')).body.count as number;

  it('answers the default rules (every default block on, no limits) and refuses an unsafe pattern naming the field and reason', async () => {
    const rules = (await api.request('GET', '/v1/identity-rules')).body;
    expect(rules.blocked.defaults).to.have.members([
      'blank_account_name',
      'zero_id',
      'placeholder_name',
      'test_address',
      'noreply_address',
    ]);
    expect(rules).to.deep.include({ limits: [], unique: [] });
    const unsafe = await api.request('PUT', '/v1/identity-rules', {
      body: { namePolicy: 'first', blocked: { patterns: [{ kind: 'account', pattern: '(a+)+$' }] } },
    });
    expectError(unsafe, 422, 'rules.failed_to_validate');
    expect(unsafe.body.error.details[0]).to.include({ path: 'blocked.patterns[0].pattern', code: 'rules.unsafe_pattern' });
    expect(unsafe.body.error.details[0].message).to.match(/nested repetition/);
    const badKind = await api.request('PUT', '/v1/identity-rules', { body: { namePolicy: 'first', limits: [{ kind: 'email', max: 2 }] } });
    expect(badKind.body.error.details[0]).to.include({ path: 'limits[0].kind', code: 'rules.invalid_kind' });
  });

  it("statements: a blocked agent is listed with its rule and creates nothing, the statement's other agents resolve; a default switched off lets it through", async () => {
    const answer = await api.request('POST', '/v1/statements?wait=true', {
      body: [
        statement({ mbox: 'mailto:test@test.com', name: 'Test' }, { mbox: 'mailto:ada@example.org' }),
        statement({ account: { homePage: LMS, name: '0' } }),
      ],
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    const [first, second] = answer.body.results;
    expect(first.status).to.equal('resolved');
    expect(first.blocked).to.deep.equal([
      {
        role: 'actor',
        path: 'actor',
        ifi: { key: 'mbox', value: 'mailto:test@test.com' },
        status: 'blocked',
        rule: 'blocked.defaults.test_address',
      },
    ]);
    expect(first.agents.map((agent: any) => agent.path)).to.deep.equal(['context.instructor']);
    expect(second.blocked[0].rule).to.equal('blocked.defaults.zero_id');
    expect(answer.body.counts).to.include({ resolved: 2, identifiersCreated: 1, personasCreated: 1 });
    expect((await api.request('GET', '/v1/personas/by-identifier?mbox=mailto:test@test.com')).status).to.equal(404);

    await putRules({ blocked: { defaults: ['zero_id'] } });
    const again = await api.request('POST', '/v1/statements?wait=true', { body: statement({ mbox: 'mailto:test@test.com' }) });
    expect(again.body.results[0].blocked).to.equal(undefined);
    expect(again.body.results[0].agents[0].created).to.equal(true);
  });

  it('the xAPI surface: a statement posted to /xapi/statements is stored for its other agents, the blocked actor creates nothing', async () => {
    const answer = await api.request('POST', '/xapi/statements', {
      body: statement({ mbox: 'mailto:anonymous@example.org' }, { mbox: 'mailto:lin@example.org' }),
      headers: { 'X-Experience-API-Version': '1.0.3' },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect((await api.request('GET', '/v1/personas/by-identifier?mbox=mailto:lin@example.org')).status).to.equal(200);
    expect((await api.request('GET', '/v1/personas/by-identifier?mbox=mailto:anonymous@example.org')).status).to.equal(404);
  });

  it('custom blocked values and patterns apply per kind, and an address blocked by value is blocked by its SHA-1 too', async () => {
    await putRules({
      blocked: {
        values: [{ kind: 'mbox', value: 'mailto:Front-Desk@example.org' }],
        patterns: [{ kind: 'account', pattern: '^kiosk-\\d+$', flags: 'i', homePage: LMS }],
      },
    });
    const answer = await api.request('POST', '/v1/statements?wait=true', {
      body: [
        statement({ mbox_sha1sum: 'a3e2a5d63bcb5b0ba2b0d0e9faa13b7d08e1f43b' }),
        statement({ mbox: 'mailto:Front-Desk@EXAMPLE.org' }),
        statement({ account: { homePage: LMS, name: 'KIOSK-12' } }),
        statement({ account: { homePage: 'https://other.example', name: 'kiosk-12' } }),
      ],
    });
    const rules = answer.body.results.map((result: any) => result.blocked?.[0]?.rule ?? null);
    expect(rules).to.deep.equal([null, 'blocked.values[0]', 'blocked.patterns[0]', null]);
    // The SHA-1 the first statement sent is another address's; the blocked address's own SHA-1 is refused through the API.
    const sha1 = await api.request('POST', '/v1/identifiers', {
      body: { ifi: { key: 'mbox_sha1sum', value: 'c0b0e3fb2ba6a3e0b5c1ce0b0d4e4cf1bd0cf9f5' } },
    });
    expect(sha1.status).to.equal(201);
    const { createHash } = await import('node:crypto');
    const blockedSha1 = createHash('sha1').update('mailto:Front-Desk@example.org').digest('hex');
    expectError(
      await api.request('POST', '/v1/identifiers', { body: { ifi: { key: 'mbox_sha1sum', value: blockedSha1 } } }),
      422,
      'rules.identifier_blocked',
    );
  });

  it('the API refuses a blocked identifier naming the rule and field, and a refused persona create leaves nothing behind', async () => {
    const single = await api.request('POST', '/v1/identifiers', { body: { ifi: mboxIfi('noreply@lms.example.org') } });
    expectError(single, 422, 'rules.identifier_blocked');
    expect(single.body.error.message).to.contain('blocked.defaults.noreply_address');
    const personas = await personaCount();
    const create = await api.request('POST', '/v1/personas', {
      body: { name: 'Kim', identifiers: [mboxIfi('kim@example.org'), accountIfi(LMS, 'anonymous')] },
    });
    expectError(create, 422, 'rules.identifier_blocked');
    expect(create.body.error.details[0]).to.include({ path: 'identifiers[1]', code: 'rules.identifier_blocked' });
    expect(await personaCount()).to.equal(personas);
    expect(await identifierCount()).to.equal(0);
  });

  it('limits: adding or moving an identifier past a per-kind limit is refused with the rule named; other changes go on', async () => {
    await putRules({
      limits: [
        { kind: 'mbox', max: 1 },
        { kind: 'account', max: 1, perHomePage: true },
      ],
    });
    const ann = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org'), accountIfi(LMS, 'ann')] });
    const second = await api.request('POST', '/v1/identifiers', { body: { ifi: mboxIfi('ann@home.example'), persona: ann } });
    expectError(second, 409, 'rules.limit_exceeded');
    expect(second.body.error.message).to.contain('limits[0]');
    expect(
      (await api.request('POST', '/v1/identifiers', { body: { ifi: accountIfi('https://other.example', 'ann'), persona: ann } })).status,
    ).to.equal(201);
    const bob = await createPersona(api, { name: 'Bob', identifiers: [accountIfi(LMS, 'bob')] });
    const bobsAccount = (await api.request('POST', '/v1/identifiers', { body: { ifi: accountIfi(LMS, 'bob') } })).body.id;
    const move = await api.request('PUT', `/v1/identifiers/${bobsAccount}`, { body: { persona: ann } });
    expectError(move, 409, 'rules.limit_exceeded');
    expect(move.body.error.message).to.contain('limits[1]');
    expect((await api.request('GET', `/v1/identifiers/${bobsAccount}`)).body.persona).to.equal(bob);
  });

  it('merges: personas each holding an account of a unique homePage are never merged; the dry run reports the refusal in a 200', async () => {
    await putRules({ unique: [{ kind: 'account', homePage: LMS }] });
    const ann = await createPersona(api, { name: 'Ann', identifiers: [accountIfi(LMS, 'ann')] });
    const annie = await createPersona(api, { name: 'Annie', identifiers: [accountIfi(LMS, 'annie')] });
    const guest = await createPersona(api, { name: 'Ann (mail)', identifiers: [mboxIfi('ann@example.org')] });
    const dryRun = await api.request('POST', `/v1/personas/${ann}/merge?dryRun=true`, { body: { from: [annie] } });
    expect(dryRun.status, JSON.stringify(dryRun.body)).to.equal(200);
    expect(dryRun.body).to.include({ dryRun: true, target: ann });
    expect(dryRun.body.movedCounts.identifiers).to.equal(1);
    expect(dryRun.body.refusals).to.have.length(1);
    expect(dryRun.body.refusals[0]).to.include({ code: 'rules.unique_kind', rule: 'unique[0]' });
    expect(dryRun.body.refusals[0].message).to.contain('unique[0]');
    expectError(await api.request('POST', `/v1/personas/${ann}/merge`, { body: { from: [annie] } }), 409, 'rules.unique_kind');
    expect((await api.request('GET', `/v1/personas/${annie}`)).status).to.equal(200);
    const allowed = await api.request('POST', `/v1/personas/${ann}/merge?dryRun=true`, { body: { from: [guest] } });
    expect(allowed.body.refusals).to.deep.equal([]);
    expect((await api.request('POST', `/v1/personas/${ann}/merge`, { body: { from: [guest] } })).status).to.equal(201);
    // Learning Locker's merge route runs the same merge: refused with the rule named, nothing merged.
    const ll = await api.request('POST', `/api/mergepersona?mergePersonaFromId=${annie}&mergePersonaToId=${ann}`);
    expect(ll.status, JSON.stringify(ll.body)).to.equal(409);
    expect(JSON.stringify(ll.body)).to.contain('unique[0]');
    expect((await api.request('GET', `/v1/personas/${annie}`)).status).to.equal(200);
  });

  it('merges refuse a source holding an identifier blocked after it was created, naming the rule; the dry run reports it', async () => {
    const ann = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')] });
    const desk = await createPersona(api, { name: 'Desk', identifiers: [mboxIfi('desk@example.org')] });
    await putRules({ blocked: { values: [{ kind: 'mbox', value: 'mailto:desk@example.org' }] } });
    const refused = await api.request('POST', `/v1/personas/${ann}/merge`, { body: { from: [desk] } });
    expectError(refused, 422, 'rules.identifier_blocked');
    expect(refused.body.error.message).to.contain('blocked.values[0]');
    expect(refused.body.error.details[0]).to.include({ path: 'from[0]', code: 'rules.identifier_blocked' });
    expect((await api.request('GET', `/v1/personas/${desk}`)).status).to.equal(200);
    const dryRun = await api.request('POST', `/v1/personas/${ann}/merge?dryRun=true`, { body: { from: [desk] } });
    expect(dryRun.status).to.equal(200);
    expect(dryRun.body.refusals.map((refusal: any) => [refusal.code, refusal.rule])).to.deep.equal([
      ['rules.identifier_blocked', 'blocked.values[0]'],
    ]);
    // The target's own blocked identifier is not the merge's doing: merging a clean source into it goes on.
    const clean = await createPersona(api, { name: 'Ann (work)', identifiers: [mboxIfi('ann@work.example')] });
    expect((await api.request('POST', `/v1/personas/${desk}/merge`, { body: { from: [clean] } })).status).to.equal(201);
  });

  it('undoing a merge is refused when a source given back its identifiers would break a limit saved since, naming the rule', async () => {
    const ann = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')] });
    const annie = await createPersona(api, { name: 'Annie', identifiers: [mboxIfi('annie@example.org'), mboxIfi('annie@home.example')] });
    const merged = await api.request('POST', `/v1/personas/${ann}/merge`, { body: { from: [annie] } });
    expect(merged.status).to.equal(201);
    await putRules({ limits: [{ kind: 'mbox', max: 1 }] });
    const refused = await api.request('POST', `/v1/merges/${merged.body.id}/undo`);
    expectError(refused, 409, 'rules.limit_exceeded');
    expect(refused.body.error.message).to.contain('limits[0]').and.to.contain(annie);
    expect((await api.request('GET', `/v1/merges/${merged.body.id}`)).body.state).to.equal('applied');
    await putRules({ limits: [{ kind: 'mbox', max: 2 }] });
    const undone = await api.request('POST', `/v1/merges/${merged.body.id}/undo`);
    expect(undone.status, JSON.stringify(undone.body)).to.equal(200);
    expect(undone.body.state).to.equal('undone');
  });

  it('saving rules reports existing data that breaks them (count and listing) and changes nothing; a dry run does not save', async () => {
    const ann = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org'), mboxIfi('ann@home.example')] });
    await createPersona(api, { name: 'Desk', identifiers: [mboxIfi('desk@example.org')] });
    const rules = { limits: [{ kind: 'mbox', max: 1 }], blocked: { values: [{ kind: 'mbox', value: 'mailto:desk@example.org' }] } };
    const tried = await putRules(rules, '?dryRun=true');
    expect(tried).to.include({ dryRun: true, renamed: 0 });
    expect(tried.violations.count).to.equal(2);
    expect(tried.violations.listed.map((violation: any) => violation.rule)).to.have.members(['blocked.values[0]', 'limits[0]']);
    expect(tried.violations.listed.find((violation: any) => violation.rule === 'limits[0]').persona).to.equal(ann);
    expect((await api.request('GET', '/v1/identity-rules')).body.limits).to.deep.equal([]);
    const saved = await putRules(rules);
    expect(saved).to.include({ dryRun: false });
    expect(saved.violations.count).to.equal(2);
    expect((await api.request('GET', '/v1/identity-rules')).body.limits).to.deep.equal([{ kind: 'mbox', max: 1 }]);
    expect(await identifierCount()).to.equal(3);
  });

  it('CSV imports: a row with a blocked identifier or past a limit is an error row naming the rule; the others are imported', async () => {
    await putRules({ limits: [{ kind: 'mbox', max: 1 }] });
    const mapping = { columns: { email: { type: 'mbox', primary: 1 }, other: { type: 'mbox', primary: 2 }, name: { type: 'name' } } };
    const csv = 'email,other,name\nann@example.org,,Ann\ntest@test.com,,Junk\nbob@example.org,bob@home.example,Bob\n';
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'rows.csv');
    form.append('mapping', JSON.stringify(mapping));
    const { basic } = await import('./support/identity-api.ts');
    const started = (await (
      await fetch(`${api.baseUrl}/v1/imports`, { method: 'POST', body: form, headers: { authorization: basic(api.admin) } })
    ).json()) as any;
    let done: any;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      done = (await api.request('GET', `/v1/imports/${started.id}`)).body;
    } while (done.state === 'processing');
    expect(done.counts).to.include({ created: 1, errors: 2 });
    const errors = await (
      await fetch(`${api.baseUrl}/v1/imports/${started.id}/errors`, { headers: { authorization: basic(api.admin) } })
    ).text();
    expect(errors).to.contain('rules.identifier_blocked').and.to.contain('blocked.defaults.test_address');
    expect(errors).to.contain('rules.limit_exceeded').and.to.contain('limits[0]');
    expect(await identifierCount()).to.equal(1);
  });

  it('Learning Locker /api: creating a blocked identifier is refused naming the rule, nothing is stored', async () => {
    const persona = (await api.request('POST', '/api/v2/persona', { body: { name: 'Ann' } })).body._id;
    const answer = await api.request('POST', '/api/v2/personaidentifier', {
      body: { ifi: { key: 'account', value: { homePage: LMS, name: 'null' } }, persona },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.be.within(400, 499);
    expect(JSON.stringify(answer.body)).to.contain('blocked.defaults.placeholder_name');
    expect(await identifierCount()).to.equal(0);
  });
});
