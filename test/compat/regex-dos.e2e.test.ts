// Regular-expression denial of service (issue 11, security defect 1): a user pattern that a backtracking engine
// would run for hours against a stored name is refused (nested repetition) or run in linear time (embedded store),
// and other clients' requests go on meanwhile.
import { expect } from 'chai';
import { startCompatApp, q, type CompatApp } from './support/compat-app.ts';

describe('user regexes cannot block the service (regex DoS)', () => {
  let app: CompatApp;
  // 'a' × 199 + '!': `(a+)+$` takes 2^199 steps on it in V8 or PCRE.
  const longName = `${'a'.repeat(199)}!`;
  let personaId: string;
  before(async () => {
    app = await startCompatApp();
    personaId = (await app.call('POST', '/api/v2/persona', { body: { name: longName } })).body._id;
    expect((await app.call('POST', '/api/v2/personaattribute', { body: { personaId, key: 'nick', value: longName } })).status).to.equal(
      201,
    );
  });
  after(async () => app.close());

  it('refuses (a+)+$ in $regex and in the ~ shorthand with 400 query.unsafe_regex naming the path', async () => {
    const cases: Array<[string, string]> = [
      [`/api/v2/persona?query=${q({ name: { $regex: '(a+)+$' } })}`, 'query.name.$regex'],
      [`/api/v2/persona/count?query=${q({ $or: [{ name: { $regex: '^(a|a)*$', $options: 'i' } }] })}`, 'query.$or.0.name.$regex'],
      [`/api/v2/personaattribute?query=${q({ value: '~^(a+)+$' })}`, 'query.value'],
      [`/v2/persona?filter=${q({ name: { $not: { $regex: '(a+)+$' } } })}`, 'filter.name.$not.$regex'],
    ];
    for (const [path, at] of cases) {
      const res = await app.call('GET', path);
      expect(res.status, path).to.equal(400);
      expect(res.body.error.code, path).to.equal('query.unsafe_regex');
      expect(res.body.error.details[0].path, path).to.equal(at);
    }
  });

  it('runs an accepted pattern in linear time: one that V8 would backtrack on for minutes answers, and /health answers meanwhile', async () => {
    // Seven adjacent `a*` before a missing `b`: polynomial (n^7) for a backtracking engine, linear for RE2.
    const slowForBacktracking = q({ name: { $regex: '^a*a*a*a*a*a*a*b' } });
    const healthLatency = async () => {
      const started = performance.now();
      await app.call('GET', '/health', { client: null });
      return performance.now() - started;
    };
    const baseline = Math.max(...(await Promise.all([healthLatency(), healthLatency(), healthLatency()])));
    const [answer, duringAttack] = await Promise.all([app.call('GET', `/api/v2/persona?query=${slowForBacktracking}`), healthLatency()]);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal([]);
    // A ratio, not a time: blocked by a backtracking regex, /health would wait minutes (thousands of times its baseline).
    expect(duringAttack).to.be.below(baseline * 50 + 250);
    const found = await app.call('GET', `/api/v2/personaattribute?query=${q({ value: '~^A*a*a*a*a*a*a*!$' })}`);
    expect(found.body.map((attribute: any) => attribute.personaId)).to.deep.equal([personaId]);
  });

  it('reads $ as MongoDB (PCRE) does: also before a final newline', async () => {
    const id = (await app.call('POST', '/api/v2/persona', { body: { name: 'Trailing\n' } })).body._id;
    const found = await app.call('GET', `/api/v2/persona?query=${q({ name: { $regex: '^Trailing$' } })}`);
    expect(found.body.map((persona: any) => persona._id)).to.deep.equal([id]);
  });
});
