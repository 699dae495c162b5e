// `persona migrate` with statement write-back on (statements in this store): the statement indexes write-back needs
// are created with every other index, so their build happens in the maintenance step rather than at worker start.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { WRITE_BACK_INDEXES } from '../../src/features/write-back/write-back-indexes.ts';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');
const writeBackNames = WRITE_BACK_INDEXES.map((index) => index.options.name);

describe('persona migrate with write-back', () => {
  let dir: string;
  let shared: ProcessStore;
  beforeEach(() => {
    dir = makeTempDir('persona-migrate-wb-');
    shared = processStoreFor(join(dir, 'data'));
  });
  afterEach(async () => {
    await shared.discard();
    rmSync(dir, { recursive: true, force: true });
  });

  let progress = '';
  const migrate = async (env: Record<string, string>) => {
    const { stdout, stderr } = await run(process.execPath, [cli, 'migrate', '--json'], {
      env: { ...process.env, ...shared.env, WRITE_BACK_STATEMENTS: 'false', ...env },
    });
    progress = stderr;
    return JSON.parse(stdout.trim().split('\n').at(-1)!).indexes as string[];
  };

  async function indexNamesOf(collection: string): Promise<string[]> {
    const store = await shared.open();
    try {
      return (await store.collection(collection).listIndexes()).map((index) => index.name);
    } finally {
      await store.close();
    }
  }

  it('creates the write-back statement indexes on the configured collection only when write-back is on', async () => {
    const off = await migrate({});
    expect(off.filter((name) => name.startsWith('statements.'))).to.deep.equal([]);
    expect(await indexNamesOf('statements')).to.not.include.members(writeBackNames);

    const on = await migrate({ WRITE_BACK_STATEMENTS: 'true', WRITE_BACK_COLLECTION: 'llStatements' });
    expect(on).to.include.members(writeBackNames.map((name) => `llStatements.${name}`));
    expect(await indexNamesOf('llStatements')).to.include.members(writeBackNames);
    // Each build is announced on stderr as it starts and ends (a build of hours on a large collection shows which).
    expect(progress).to.match(/^building index llStatements\.persona_bf_person …$/m);
    expect(progress).to.match(/^ {2}llStatements\.persona_bf_person ready \(\d+\.\d s\)$/m);
    expect(await migrate({ WRITE_BACK_STATEMENTS: 'true', WRITE_BACK_COLLECTION: 'llStatements' }), 'idempotent').to.deep.equal(on);
  });
});
