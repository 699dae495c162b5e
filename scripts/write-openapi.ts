// Writes the service's OpenAPI document (the one /openapi.json serves) to a file, from an app built on a throwaway
// embedded store: the admin app's types are generated from it at build time (scripts/build-admin.js).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const [output] = process.argv.slice(2);
if (!output) throw new Error('usage: write-openapi.ts OUTPUT.json');
const dataDir = mkdtempSync(join(tmpdir(), 'persona-openapi-'));
try {
  const config = loadConfig({ DATA_DIR: dataDir, QUEUE: 'inline', LOG_LEVEL: 'silent' });
  const built = await createApp(config, { logger: pino({ level: 'silent' }), defaultMetrics: false });
  writeFileSync(output, JSON.stringify(built.openapi, null, 2) + '\n');
  await built.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
