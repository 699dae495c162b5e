// `persona export-pseudonymised` as a user runs it: a child process over a data directory seeded by `persona ingest`;
// refused (exit 1, pseudonyms.not_enabled) until pseudonymisation is on, then the organisation's personas as JSON
// lines without a single identifier or name in clear, the same pseudonyms on every run.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.ts';
import { enablePseudonymisation } from '../../src/features/pseudonyms/pseudonym-keys.ts';
import { ensureDefaultOrganisation } from '../../src/features/tenancy/default-organisation.ts';
import { openStore } from '../../src/store/open-store.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

describe('persona export-pseudonymised', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('persona-pseudonym-cli-');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const persona = (args: string[]) => run(process.execPath, [cli, ...args], { env: { ...process.env, DATA_DIR: join(dir, 'data') } });

  it('is refused until pseudonymisation is on, then writes one pseudonymised line per persona, the same each run', async () => {
    const file = join(dir, 'statements.jsonl');
    const actors = [
      agents.mbox('ann@example.org', 'Ann Lee'),
      agents.account('http://lms.example.org', 'user.one'),
      agents.mbox('bob@example.org', 'Bob Ray'),
    ];
    writeFileSync(file, actors.map((actor) => JSON.stringify(statementBy(actor))).join('\n'));
    await persona(['ingest', file]);

    const refused = await persona(['export-pseudonymised']).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).to.equal(1);
    expect(refused?.stderr).to.include('pseudonyms.not_enabled');

    const store = await openStore(loadConfig({ DATA_DIR: join(dir, 'data') }));
    const { organisation } = await ensureDefaultOrganisation(store);
    const settings = await enablePseudonymisation(store, organisation._id, 'test');
    await store.close();

    const out = join(dir, 'export.jsonl');
    const summary = JSON.parse((await persona(['export-pseudonymised', '--out', out, '--json'])).stdout);
    expect(summary).to.deep.equal({ out, personas: 3, keyId: settings.currentKey!.id });
    const text = readFileSync(out, 'utf8');
    // Clear values hold a space or a dot, which base64url pseudonyms never do: a random pseudonym cannot match one.
    for (const clear of ['example.org', 'Ann Lee', 'Bob Ray', 'user.one']) expect(text).not.to.include(clear);
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).to.have.length(3);
    for (const line of lines) {
      expect(line.persona).to.match(/^pp_/);
      expect(line.identifiers).to.have.length(1);
      expect(line.identifiers[0].pseudonym).to.match(/^pi_/);
    }
    expect((await persona(['export-pseudonymised'])).stdout, 'stdout, a second run: the same lines').to.equal(text);
  });
});
