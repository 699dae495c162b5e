// POST /v1/statements (inline mode, one or many, invalid ones rejected with a reason, 413) and POST /v1/resolve.
import { expect } from 'chai';
import { startTestApi, type TestApi } from './http-support.ts';

const verb = { id: 'http://adlnet.gov/expapi/verbs/completed' };
const object = { id: 'https://example.org/course/1' };

describe('HTTP: statements and resolve', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  it('resolves one statement inline: 200 with the result document', async () => {
    const answer = await api.request('POST', '/v1/statements', {
      body: { actor: { mbox: 'mailto:kim@example.org', name: 'Kim' }, verb, object },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body.counts).to.deep.equal({ resolved: 1, rejected: 0, personasCreated: 1, identifiersCreated: 1 });
    const [agent] = answer.body.results[0].agents;
    expect(agent).to.include({ role: 'actor', path: 'actor', created: true });
    expect((await api.request('GET', `/v1/personas/${agent.personaId}`)).body.name).to.equal('Kim');
  });

  it('resolves an array, rejecting invalid statements with a reason and resolving the rest', async () => {
    const answer = await api.request('POST', '/v1/statements', {
      body: [
        { actor: { mbox: 'mailto:kim@example.org' }, verb, object },
        { actor: { mbox: 'kim@example.org' }, verb, object },
        {
          actor: { account: { homePage: 'https://lms.example.org', name: 'k2' } },
          verb,
          object: { objectType: 'Agent', mbox: 'mailto:obj@example.org' },
        },
      ],
    });
    expect(answer.status).to.equal(200);
    expect(answer.body.results.map((result: { status: string }) => result.status)).to.deep.equal(['resolved', 'rejected', 'resolved']);
    expect(answer.body.results[1].error).to.include({ path: 'actor.mbox' });
    expect(answer.body.results[0].agents[0].created).to.equal(false);
    expect(answer.body.counts).to.include({ resolved: 2, rejected: 1, identifiersCreated: 2 });
    const metrics = await api.request('GET', '/metrics', { auth: null });
    expect(metrics.body).to.match(/persona_resolver_statements_total\{status="rejected"\} 1/);
  });

  it('refuses bodies that are not statements: 422, unparseable 400, oversized 413', async () => {
    expect((await api.request('POST', '/v1/statements', { body: [] })).body.error.code).to.equal('statements.failed_to_validate');
    expect((await api.request('POST', '/v1/statements', { raw: '"text"' })).body.error.code).to.equal('statements.failed_to_serialize');
    expect((await api.request('POST', '/v1/statements', { raw: '{"actor":' })).status).to.equal(400);
    const small = await startTestApi({ BODY_LIMIT: '2kb' });
    try {
      const many = Array.from({ length: 50 }, (_, index) => ({ actor: { mbox: `mailto:s${index}@example.org` }, verb, object }));
      const answer = await small.request('POST', '/v1/statements', { body: many });
      expect(answer.status).to.equal(413);
      expect(answer.body.error.code).to.equal('request.payload_too_large');
    } finally {
      await small.close();
    }
  });

  it('POST /v1/resolve answers the persona of each agent or null, creating nothing', async () => {
    const before = (await api.request('GET', '/v1/personas/count')).body.count;
    const answer = await api.request('POST', '/v1/resolve', {
      body: { agents: [{ mbox: 'mailto:kim@example.org' }, { mbox: 'mailto:nobody@example.org' }, { name: 'no ifi' }] },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body.results[0]).to.have.keys('personaId', 'identifierId');
    expect(answer.body.results.slice(1)).to.deep.equal([null, null]);
    expect((await api.request('GET', '/v1/personas/count')).body.count).to.equal(before);
    expect((await api.request('POST', '/v1/resolve', { body: { agents: 'x' } })).body.error.code).to.equal('resolve.failed_to_validate');
    expect((await api.request('POST', '/v1/resolve', { body: { agents: [] } })).status).to.equal(422);
  });

  it('GET /v1/jobs/{id} says the queue is off in inline mode', async () => {
    const answer = await api.request('GET', '/v1/jobs/abc');
    expect(answer.status).to.equal(404);
    expect(answer.body.error.code).to.equal('jobs.queue_off');
  });
});
