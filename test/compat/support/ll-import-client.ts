// Learning Locker's persona import as a client drives it over HTTP: create the import (ERM), upload a CSV
// (multipart, as LL's UI sends it), and wait until the import has run.
import { ObjectId } from 'bson';
import type { Client, CompatApp } from './compat-app.ts';

export function multipart(fields: Record<string, string>, file?: { name: string; content: string }) {
  const boundary = `----ll${new ObjectId().toHexString()}`;
  let raw = '';
  for (const [name, value] of Object.entries(fields))
    raw += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  if (file)
    raw += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`;
  raw += `--${boundary}--\r\n`;
  return { raw, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export function llImportClient(app: CompatApp) {
  return {
    createImport: async (client: Client = app.a) =>
      (await app.call('POST', '/api/v2/personasimport', { client, body: { title: 'HR export', importStage: 'STAGE_IMPORTED' } })).body,
    upload(id: string, content: string, client: Client = app.a) {
      const form = multipart({ id }, { name: 'people.csv', content });
      return app.call('POST', '/api/uploadpersonas', { client, raw: form.raw, headers: form.headers });
    },
    async waitImported(id: string, client: Client = app.a) {
      for (let attempt = 0; attempt < 600; attempt += 1) {
        const doc = (await app.call('GET', `/api/v2/personasimport/${id}`, { client })).body;
        if (doc.importStage === 'STAGE_IMPORTED') return doc;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('import never finished');
    },
  };
}
