// /metrics as Prometheus reads it (issue 11): a real text-format parser, the conventions promtool checks (counters
// are *_total counters, latencies histograms, no gauge with a quantile label), and promtool itself when installed.
// /metrics holds this process's figures only; the deployment's (queue depth, totals over all workers) are at
// /metrics/cluster, so a sum over replicas of /metrics never counts one job twice.
import { expect } from 'chai';
import { conventionProblems, parseExposition, promtoolCheck } from '../support/prometheus-exposition.ts';
import { startTestApi, type TestApi } from './http-support.ts';

describe('/metrics exposition', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({}, { defaultMetrics: true });
    await api.request('POST', '/v1/statements?wait=true', {
      body: [
        {
          actor: { mbox: 'mailto:ada@example.org' },
          verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
          object: { id: 'https://example.org/course/1' },
        },
      ],
    });
    await api.request('GET', '/v1/personas/count');
  });
  after(async () => api.close());

  const scrape = async (path: string) => {
    const answer = await fetch(`${api.baseUrl}${path}`);
    expect(answer.status).to.equal(200);
    return answer.text();
  };

  it('parses with a Prometheus text-format parser and follows the conventions', async () => {
    const families = parseExposition(await scrape('/metrics'));
    expect(conventionProblems(families)).to.deep.equal([]);
    const byName = new Map(families.map((family) => [family.name, family]));
    expect(byName.get('persona_http_requests_total')?.type).to.equal('COUNTER');
    expect(byName.get('persona_http_request_duration_seconds')?.type).to.equal('HISTOGRAM');
    expect(byName.get('persona_resolver_statements_total')?.metrics.find((metric) => metric.labels?.status === 'resolved')?.value).to.equal(
      '1',
    );
    expect(byName.has('persona_queue_jobs_completed_total'), 'cluster totals are not per-instance figures').to.equal(false);
  });

  it('serves the cluster figures apart, clean too (empty without a queue)', async () => {
    const text = await scrape('/metrics/cluster');
    expect(conventionProblems(parseExposition(text))).to.deep.equal([]);
  });

  it('passes promtool check metrics (when promtool is installed)', async function () {
    const text = await scrape('/metrics');
    const verdict = promtoolCheck(text);
    if (!verdict) {
      console.warn('    SKIPPED: promtool is not installed (Debian: apt-get install prometheus); the parser checks above still ran');
      this.skip();
    }
    expect(verdict!.status, verdict!.output).to.equal(0);
  });
});
