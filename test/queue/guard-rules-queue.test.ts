// Guard rails on the queued path (issue 15): statements accepted with 202 and resolved by a queue worker (the API's
// own, on a real Redis under a key prefix of this test) list a blocked agent with its rule, create nothing for it,
// and resolve the statement's other agents, exactly as inline resolution does.
import { expect } from 'chai';
import { startTestApi, type TestApi } from '../http/http-support.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';

describe('guard rails: queued statements', function () {
  this.timeout(60_000);
  let api: TestApi;
  let prefix: string;

  before(async () => {
    prefix = uniquePrefix();
    api = await startTestApi({ QUEUE: 'bullmq', REDIS_URL, QUEUE_PREFIX: prefix, API_WORKER_CONCURRENCY: '1' });
  });
  after(async () => {
    await api.close();
    await deletePrefix(prefix);
  });

  it('a worker-resolved job lists the blocked agent with its rule and resolves the others', async () => {
    const accepted = await api.request('POST', '/v1/statements', {
      body: [
        {
          actor: { account: { homePage: 'https://lms.example.org', name: 'unknown' } },
          verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
          object: { id: 'https://example.org/course/queued' },
          context: { instructor: { mbox: 'mailto:grace@example.org' } },
        },
      ],
    });
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
    const report = await waitFor('the job to complete', async () => {
      const answer = await api.request('GET', `/v1/jobs/${accepted.body.jobId}`);
      return answer.body.state === 'completed' ? answer.body : null;
    });
    const [result] = report.result.results;
    expect(result.blocked).to.deep.equal([
      {
        role: 'actor',
        path: 'actor',
        ifi: { key: 'account', value: { homePage: 'https://lms.example.org', name: 'unknown' } },
        status: 'blocked',
        rule: 'blocked.defaults.placeholder_name',
      },
    ]);
    expect(result.agents.map((agent: { path: string }) => agent.path)).to.deep.equal(['context.instructor']);
    expect((await api.request('GET', '/v1/identifiers/count')).body.count).to.equal(1);
  });
});
