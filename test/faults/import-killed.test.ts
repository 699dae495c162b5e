// An HTTP import killed with the API (SIGKILL, real processes): its uploaded file died with the process, so nothing can
// resume it, and before this it read `processing` for ever. The restarted API marks it failed with the reason once
// its lease has run out (IMPORT_LEASE_MS, short here), and sending the same file again completes it: rows the first
// run had imported are matched, none is duplicated.
import { join } from 'node:path';
import { expect } from 'chai';
import { waitFor } from '../queue/queue-support.ts';
import { makeTempDir } from '../support/temp-store.ts';
import { callApi, kill9, startApi, type ApiProcess } from './support/service-process.ts';

const ROWS = 10_000;
const LEASE_MS = '2000';
const MAPPING = { columns: { email: { type: 'mbox', primary: 1 }, name: { type: 'name' } } };
const CSV = `email,name\n${Array.from({ length: ROWS }, (_, index) => `learner${index}@example.org,Learner ${index}`).join('\n')}\n`;

async function upload(api: ApiProcess): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([CSV], { type: 'text/csv' }), 'learners.csv');
  form.append('mapping', JSON.stringify(MAPPING));
  const response = await fetch(`${api.url}/v1/imports`, { method: 'POST', body: form, headers: { authorization: api.authorization } });
  expect(response.status).to.equal(202);
  return ((await response.json()) as { id: string }).id;
}

describe('faults: an HTTP import killed with the API', function () {
  this.timeout(300_000);

  it('is marked failed with the reason after a restart, and sending the file again imports every row once', async () => {
    const dataDir = join(makeTempDir('persona-import-killed-'), 'data');
    const env = { IMPORT_LEASE_MS: LEASE_MS };
    let api = await startApi(dataDir, env);
    try {
      const id = await upload(api);
      const partway = await waitFor(
        'the import part-way',
        async () => {
          const answer = await callApi(api, 'GET', `/v1/imports/${id}`);
          return answer.body.processedRows > 0 ? answer.body : null;
        },
        120_000,
      );
      expect(partway.state).to.equal('processing');
      await kill9(api);

      api = await startApi(dataDir, env);
      const failed = await waitFor(
        'the interrupted import marked failed',
        async () => {
          const answer = await callApi(api, 'GET', `/v1/imports/${id}`);
          return answer.body.state === 'processing' ? null : answer.body;
        },
        60_000,
      );
      expect(failed.state).to.equal('failed');
      expect(failed.failure).to.match(/^interrupted: .*send the file again/);
      expect(failed.processedRows).to.be.below(ROWS);

      const again = await upload(api);
      const completed = await waitFor(
        'the import sent again completed',
        async () => {
          const answer = await callApi(api, 'GET', `/v1/imports/${again}`);
          return answer.body.state === 'processing' ? null : answer.body;
        },
        180_000,
      );
      expect(completed.state, JSON.stringify(completed)).to.equal('completed');
      expect(completed.counts.created + completed.counts.matched).to.equal(ROWS);
      expect(completed.counts.matched).to.be.at.least(failed.processedRows);
      expect((await callApi(api, 'GET', '/v1/personas/count')).body.count).to.equal(ROWS);
    } finally {
      await kill9(api);
    }
  });
});
