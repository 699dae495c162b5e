// Multipart uploads are bounded by UPLOAD_LIMIT (issue 11, security 8): multer counts the file's bytes as they
// stream in, stops writing past the limit and answers 413 imports.file_too_large on /v1/imports and on LL's
// /api/uploadpersonas; the partial file is removed, so nothing is left in the temporary directory. A file within the
// limit is still accepted.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { ObjectId } from 'bson';
import { makeTempDir } from '../support/temp-store.ts';
import { multipart } from '../compat/support/ll-import-client.ts';
import { startTestApi, type TestApi } from './http-support.ts';

const MAPPING = JSON.stringify({ columns: { email: { type: 'mbox' }, name: { type: 'name' } } });

function csvOf(bytes: number): string {
  const rows = ['email,name'];
  for (let n = 0, length = 0; length < bytes; n += 1) {
    rows.push(`learner${n}@example.org,Learner ${n}`);
    length += rows[rows.length - 1].length + 1;
  }
  return `${rows.join('\n')}\n`;
}

describe('upload limit (UPLOAD_LIMIT)', () => {
  let api: TestApi;
  let uploadDir: string;
  const previousTmpdir = process.env.TMPDIR;

  before(async () => {
    // The routes keep uploads in the OS temporary directory, read when they are built: a private one shows leftovers.
    uploadDir = makeTempDir('persona-uploads-');
    process.env.TMPDIR = uploadDir;
    try {
      api = await startTestApi({ UPLOAD_LIMIT: '64kb' });
    } finally {
      if (previousTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previousTmpdir;
    }
  });
  after(async () => api.close());

  const leftovers = () => readdirSync(uploadDir).filter((name) => !name.startsWith('persona-'));

  it('answers 413 imports.file_too_large on /v1/imports past the limit and leaves no temporary file', async () => {
    const form = multipart({ mapping: MAPPING }, { name: 'people.csv', content: csvOf(2 * 1024 * 1024) });
    const answer = await api.request('POST', '/v1/imports', { raw: form.raw, headers: form.headers });
    expect(answer.status).to.equal(413);
    expect(answer.body.error.code).to.equal('imports.file_too_large');
    expect(answer.body.error.message).to.include('UPLOAD_LIMIT');
    expect(leftovers()).to.deep.equal([]);
  });

  it("answers 413 imports.file_too_large on LL's /api/uploadpersonas past the limit", async () => {
    const form = multipart({ id: new ObjectId().toHexString() }, { name: 'people.csv', content: csvOf(2 * 1024 * 1024) });
    const answer = await api.request('POST', '/api/uploadpersonas', { raw: form.raw, headers: form.headers });
    expect(answer.status).to.equal(413);
    expect(answer.headers.get('x-error-code') ?? JSON.stringify(answer.body)).to.include('imports.file_too_large');
    expect(leftovers()).to.deep.equal([]);
  });

  it('accepts a file within the limit', async () => {
    const form = multipart({ mapping: MAPPING }, { name: 'people.csv', content: csvOf(32 * 1024) });
    const answer = await api.request('POST', '/v1/imports', { raw: form.raw, headers: form.headers });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
  });
});
