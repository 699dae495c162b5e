// The OpenAPI document the real app serves (native /v1, Learning Locker /api, /crud) passes Redocly's `recommended`
// ruleset with no error, and with no warning except those listed here with the reason they stay.
import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { expect } from 'chai';
import { NOT_SERVED } from '../../src/xapi/xapi-router.ts';
import { startCompatApp, type CompatApp } from '../compat/support/compat-app.ts';

/** rule → the operations it may warn about, and why that warning is right to stay. */
const ACCEPTED_WARNINGS: Record<string, { pointers: string[]; reason: string }> = {
  'operation-4xx-response': {
    pointers: [
      '#/paths/~1health/get/responses',
      '#/paths/~1ready/get/responses',
      '#/paths/~1openapi.json/get/responses',
      '#/paths/~1docs/get/responses',
      '#/paths/~1xapi~1about/get/responses',
    ],
    reason: 'probes, documentation and xAPI About take no input and no credentials: no client error can be answered',
  },
  'operation-2xx-response': {
    pointers: NOT_SERVED.flatMap(({ path, methods }) =>
      (methods === 'get' ? ['get'] : ['get', 'put', 'post', 'delete']).map(
        (method) => `#/paths/${`/xapi${path}`.replaceAll('/', '~1')}/${method}/responses`,
      ),
    ),
    reason: 'the xAPI resources this service does not serve answer 501 (xapi.not_implemented) and never succeed',
  },
};

const where = (problem: NormalizedProblem) => problem.location[0]?.pointer ?? '?';
const describeProblem = (problem: NormalizedProblem) => `${problem.ruleId} at ${where(problem)}: ${problem.message}`;

describe('OpenAPI document: Redocly recommended lint', () => {
  let app: CompatApp;
  let document: Record<string, any>;
  let problems: NormalizedProblem[];

  before(async () => {
    app = await startCompatApp();
    document = (await app.call('GET', '/openapi.json', { client: null })).body;
    const config = await createConfig({ extends: ['recommended'] });
    problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: '/openapi.json', config });
  });
  after(async () => app.close());

  it('has no error', () => {
    expect(problems.filter((problem) => problem.severity === 'error').map(describeProblem)).to.deep.equal([]);
  });

  it('has no warning but the accepted ones (each with its reason)', () => {
    const unexpected = problems
      .filter((problem) => problem.severity !== 'error')
      .filter((problem) => !ACCEPTED_WARNINGS[problem.ruleId]?.pointers.includes(where(problem)));
    expect(unexpected.map(describeProblem)).to.deep.equal([]);
  });

  it('names every operation with a unique operationId and says where the API is served', () => {
    const operations = Object.entries(document.paths as Record<string, Record<string, { operationId?: string }>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ at: `${method} ${path}`, id: operation.operationId })),
    );
    expect(operations.filter((operation) => !operation.id).map((operation) => operation.at)).to.deep.equal([]);
    expect(new Set(operations.map((operation) => operation.id)).size).to.equal(operations.length);
    const byId = Object.fromEntries(operations.map((operation) => [operation.at, operation.id]));
    expect(byId).to.include({
      'get /v1/personas/{id}': 'getPersonasById',
      'get /v1/personas/by-user': 'getPersonasByUser',
      'post /api/mergepersona': 'postApiMergepersona',
    });
    expect(document.servers).to.deep.equal([{ url: '/', description: 'The instance serving this document' }]);
  });

  it('has no two paths one request could match (the by-user lookup is not /v1/personas/user/{userId})', () => {
    expect(problems.filter((problem) => problem.ruleId === 'no-ambiguous-paths').map(describeProblem)).to.deep.equal([]);
    expect(document.paths).to.not.have.property('/v1/personas/user/{userId}');
  });
});
