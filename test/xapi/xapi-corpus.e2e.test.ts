// The real statements of test/fixtures/xapi (sources and licences in its README) through /xapi/statements: every
// valid one is accepted and resolves exactly as through /v1/statements; every invalid one is rejected, at the path
// /v1 names, and a request holding one writes nothing.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { startTestApi, type Credentials, type TestApi } from '../http/http-support.ts';

const corpusDir = new URL('../fixtures/xapi/', import.meta.url);
const jsonLines = <T>(file: string): T[] =>
  readFileSync(new URL(file, corpusDir), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
const V1 = { 'X-Experience-API-Version': '1.0.3' };

describe('xAPI surface: the real statement corpus', function () {
  this.timeout(120_000);
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  const countsOf = async (auth: Credentials) => ({
    personas: (await api.request('GET', '/v1/personas/count', { auth })).body.count as number,
    identifiers: (await api.request('GET', '/v1/identifiers/count', { auth })).body.count as number,
  });

  it('accepts all 457 valid statements in one request and resolves them as /v1/statements does', async () => {
    const valid = jsonLines<Record<string, unknown>>('xapi-valid-statements.jsonl');
    const viaXapi = await api.newClient({ newOrganisation: true, scopes: ['statements:write', 'personas:read'] });
    const answer = await api.request('POST', '/xapi/statements', { body: valid, auth: viaXapi, headers: V1 });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.have.length(457);
    valid.forEach((statement, index) => {
      if (typeof statement.id === 'string') expect(answer.body[index]).to.equal(statement.id);
    });
    expect(new Set(answer.body).size).to.equal(457);

    // The same statements through /v1 in the same organisation find everything already there...
    const again = await api.request('POST', '/v1/statements?wait=true', { body: valid, auth: viaXapi });
    expect(again.body.counts).to.deep.equal({ resolved: 457, rejected: 0, personasCreated: 0, identifiersCreated: 0 });
    // ...and in a fresh organisation create exactly what /xapi created.
    const viaV1 = await api.newClient({ newOrganisation: true, scopes: ['statements:write', 'personas:read'] });
    const fresh = await api.request('POST', '/v1/statements?wait=true', { body: valid, auth: viaV1 });
    const created = await countsOf(viaXapi);
    expect(created.personas).to.be.greaterThan(50);
    expect({ personas: fresh.body.counts.personasCreated, identifiers: fresh.body.counts.identifiersCreated }).to.deep.equal(created);
    expect(await countsOf(viaV1)).to.deep.equal(created);
  });

  it('rejects each of the 300 invalid statements at the path /v1 names, and a request holding them writes nothing', async () => {
    const invalid = jsonLines<{ reason: string; statement: unknown }>('xapi-invalid-statements.jsonl').map((line) => line.statement);
    const client = await api.newClient({ newOrganisation: true, scopes: ['statements:write', 'personas:read'] });
    const answer = await api.request('POST', '/xapi/statements', { body: invalid, auth: client, headers: V1 });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.code).to.equal('xapi.statements_rejected');
    const v1 = await api.request('POST', '/v1/statements?wait=true', { body: invalid, auth: client });
    expect(v1.body.counts).to.include({ resolved: 0, rejected: 300 });
    const expected = v1.body.results.map((result: { error: { path: string; code: string } }, index: number) => ({
      path: result.error.path === '(statement)' ? `[${index}]` : `[${index}].${result.error.path}`,
      code: result.error.code,
    }));
    expect(answer.body.error.details.map(({ path, code }: { path: string; code: string }) => ({ path, code }))).to.deep.equal(expected);

    // One invalid statement among valid ones: the request is refused whole.
    const mixed = [...jsonLines<Record<string, unknown>>('xapi-valid-statements.jsonl').slice(0, 20), invalid[0]];
    expect((await api.request('POST', '/xapi/statements', { body: mixed, auth: client, headers: V1 })).status).to.equal(400);
    expect(await countsOf(client)).to.deep.equal({ personas: 0, identifiers: 0 });
  });
});
