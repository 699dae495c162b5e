// Property test: whatever JSON arrives as a statement body (JSON or the first part of multipart/mixed, POST or PUT)
// or as the agent parameter, /xapi answers 2xx or a 4xx with an error code, never a 5xx.
import { expect } from 'chai';
import fc from 'fast-check';
import { startTestApi, type TestApi } from '../http/http-support.ts';

// A fixed seed, so a run is reproducible; FUZZ_SEED=<n> explores other inputs.
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 160_16);
const V1 = { 'X-Experience-API-Version': '1.0.3' };
const UUID = '8f14e45f-ceea-467f-a0e6-7a9b2c1d3e4f';

// Arbitrary JSON, and JSON shaped like the real thing with one part replaced by anything.
const anything = fc.jsonValue({ maxDepth: 3 });
const statementLike = fc.record(
  {
    actor: fc.oneof(anything, fc.constant({ mbox: 'mailto:fuzz@example.org' })),
    verb: fc.oneof(anything, fc.constant({ id: 'http://adlnet.gov/expapi/verbs/completed' })),
    object: fc.oneof(anything, fc.constant({ id: 'https://example.org/fuzz' })),
    attachments: anything,
    statement: anything,
    id: fc.oneof(anything, fc.uuid()),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(anything, statementLike, fc.array(statementLike, { maxLength: 3 }));

function expectAnswer(answer: { status: number; body: any }, context: string) {
  expect(answer.status, context).to.be.below(500);
  if (answer.status >= 400) expect(answer.body?.error?.code, context).to.be.a('string');
}

describe('xAPI surface: fuzzed input never answers 5xx', function () {
  this.timeout(120_000);
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  it('statement bodies, as JSON and as multipart/mixed, through POST and PUT', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('POST', 'PUT'), fc.boolean(), async (value, method, asMultipart) => {
        const path = method === 'PUT' ? `/xapi/statements?statementId=${UUID}` : '/xapi/statements';
        const json = JSON.stringify(value);
        const options = asMultipart
          ? {
              raw: `--b\r\nContent-Type: application/json\r\n\r\n${json}\r\n--b--\r\n`,
              headers: { ...V1, 'content-type': 'multipart/mixed; boundary=b' },
            }
          : { raw: json, headers: { ...V1, 'content-type': 'application/json' } };
        expectAnswer(await api.request(method, path, options), `${method} ${asMultipart ? 'multipart' : 'json'} ${json}`);
      }),
      { seed: FUZZ_SEED, numRuns: 100 },
    );
  });

  it('agent parameters', async () => {
    const agent = fc.oneof(
      anything.map((value) => JSON.stringify(value)),
      fc.string(),
      statementLike.map((value) => JSON.stringify(value.actor)),
    );
    await fc.assert(
      fc.asyncProperty(agent, async (value) => {
        expectAnswer(await api.request('GET', `/xapi/agents?agent=${encodeURIComponent(value)}`, { headers: V1 }), value);
      }),
      { seed: FUZZ_SEED, numRuns: 100 },
    );
  });
});
