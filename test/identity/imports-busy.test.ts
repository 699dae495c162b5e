// Back-pressure on CSV imports: past IMPORTS_MAX_RUNNING imports running in the process, POST /v1/imports is answered
// 503 imports.busy with Retry-After before the upload is read, and is taken again once the running import ends.
import { expect } from 'chai';
import { basic, startTestApi, type TestApi } from '../http/http-support.ts';

const ROWS = 20_000;
const CSV = `email\n${Array.from({ length: ROWS }, (_, index) => `busy${index}@example.org`).join('\n')}\n`;
const MAPPING = JSON.stringify({ columns: { email: { type: 'mbox', primary: 1 } } });

describe('HTTP: CSV imports refused while IMPORTS_MAX_RUNNING run', function () {
  this.timeout(180_000);
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ IMPORTS_MAX_RUNNING: '1' });
  });
  after(async () => {
    await api?.close();
  });

  async function upload() {
    const form = new FormData();
    form.append('file', new Blob([CSV], { type: 'text/csv' }), 'learners.csv');
    form.append('mapping', MAPPING);
    const response = await fetch(`${api.baseUrl}/v1/imports`, { method: 'POST', body: form, headers: { authorization: basic(api.admin) } });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
  }

  it('answers 503 imports.busy with Retry-After while one runs, and 202 once it has ended', async () => {
    const first = await upload();
    expect(first.status).to.equal(202);
    const refused = await upload();
    expect(refused.status, JSON.stringify(refused.body)).to.equal(503);
    expect(refused.body.error.code).to.equal('imports.busy');
    expect(refused.retryAfter).to.equal('30');
    for (;;) {
      const state = (await api.request('GET', `/v1/imports/${first.body.id}`)).body.state;
      if (state !== 'processing') break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    // close() waits until the background import has settled (its temporary file removed), which frees its place.
    await api.built.identity.close();
    expect((await upload()).status).to.equal(202);
  });
});
