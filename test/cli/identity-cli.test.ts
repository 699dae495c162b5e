// The identity-management commands as a user runs them: child processes of `persona` on a fresh data directory,
// seeded with `persona ingest`: merge → history → undo, duplicates and dismissal, export, erasure, recovery, refusals.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ObjectId } from 'bson';
import { expect } from 'chai';
import { leavePendingMerge } from '../identity/support/seed.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

interface Failure {
  code: number;
  stdout: string;
  stderr: string;
}
interface Pair {
  personas: [string, string];
  score: number;
  isCertain: boolean;
  reasons: Array<{ code: string }>;
}

describe('persona identity commands (merge, duplicates, export, erase)', () => {
  let dir: string;
  let shared: ProcessStore;
  beforeEach(() => {
    dir = makeTempDir('persona-identity-cli-');
    shared = processStoreFor(join(dir, 'data'));
  });
  afterEach(async () => {
    await shared.discard();
    rmSync(dir, { recursive: true, force: true });
  });

  const persona = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [cli, ...args], { env: { ...process.env, ...shared.env, ...env } });
  const json = async (args: string[]) => JSON.parse((await persona([...args, '--json'])).stdout);
  const failure = (args: string[]): Promise<Failure> =>
    persona(args).then(
      ({ stdout }) => {
        throw new Error(`expected persona ${args.join(' ')} to fail; printed ${stdout}`);
      },
      (error: Failure) => error,
    );

  /** Ingests statements by these actors (default configuration) and answers the suggested pairs. */
  async function seed(actors: Array<Record<string, unknown>>, env: Record<string, string> = {}): Promise<Pair[]> {
    const file = join(dir, 'statements.jsonl');
    writeFileSync(file, actors.map((actor) => JSON.stringify(statementBy(actor))).join('\n'));
    await persona(['ingest', file], env);
    return (await json(['duplicates'])).data;
  }

  it('merge moves the identifiers, the history lists it, undo restores the source, a second undo is refused', async () => {
    const [pair] = await seed([
      agents.mbox('Ann@example.org', 'Ann'),
      agents.mbox('ann@example.org', 'Ann'),
      agents.account('http://lms.example.org', 'u1'),
    ]);
    const [target, source] = pair.personas;

    const human = (await persona(['merge', target, source])).stdout;
    expect(human)
      .to.match(/: applied; /)
      .and.include('mbox mailto:ann@example.org')
      .and.match(/moved 1 identifier\(s\)/);
    const [merge] = (await json(['merges', 'list', '--persona', source])).data;
    expect(merge).to.include({ target, state: 'applied', actor: 'cli' });
    expect(merge.sources).to.deep.equal([source]);
    expect(merge.moved.identifiers).to.have.length(1);
    expect((await json(['export', target])).identifiers.map((entry: { ifi: { value: string } }) => entry.ifi.value)).to.have.members([
      'mailto:Ann@example.org',
      'mailto:ann@example.org',
    ]);
    expect((await failure(['export', source])).stderr).to.include('merges.source_is_tombstone');
    expect((await failure(['merge', target, source])).stderr).to.include('merges.source_is_tombstone');

    const undone = await json(['merges', 'undo', merge.id]);
    expect(undone).to.include({ id: merge.id, state: 'undone' });
    expect((await json(['export', source])).identifiers.map((entry: { ifi: { value: string } }) => entry.ifi.value)).to.deep.equal([
      'mailto:ann@example.org',
    ]);
    expect((await json(['merges', 'list'])).data.map((entry: { state: string }) => entry.state)).to.deep.equal(['undone']);
    const again = await failure(['merges', 'undo', merge.id]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.include('merges.merge_not_applied');
  });

  it('duplicates finds an mbox / mbox_sha1sum pair as certain; dismiss hides it; --persona and --min-score filter', async () => {
    const sha1 = (await import('node:crypto')).createHash('sha1').update('mailto:bob@example.org').digest('hex');
    // Without the mbox ↔ sha1 link at ingest, the two forms of one address make two personas.
    const pairs = await seed(
      [
        agents.mbox('bob@example.org', 'Bob'),
        { objectType: 'Agent', mbox_sha1sum: sha1 },
        agents.mbox('carol@example.org', 'Robert Smith'),
        agents.mbox('dan@example.org', 'Robert Smith'),
      ],
      { LINK_MBOX_SHA1SUM: 'false' },
    );
    expect(pairs).to.have.length(2);
    const [certain, byName] = pairs;
    expect(certain).to.include({ isCertain: true, score: 1 });
    expect(certain.reasons.map((reason) => reason.code)).to.deep.equal(['mbox_sha1sum']);
    expect(byName.reasons.map((reason) => reason.code)).to.deep.equal(['display_name']);

    expect((await json(['duplicates', '--min-score', '0.95'])).data).to.deep.equal([certain]);
    expect((await json(['duplicates', '--persona', byName.personas[1]])).data.map((pair: Pair) => pair.personas)).to.deep.equal([
      byName.personas,
    ]);
    expect((await persona(['duplicates', '--limit', '1'])).stdout)
      .to.include('mbox_sha1sum')
      .and.include('1 pair(s)');

    expect(await json(['duplicates', 'dismiss', ...certain.personas])).to.deep.equal({ dismissed: 1 });
    expect((await json(['duplicates'])).data).to.deep.equal([byName]);
  });

  it('duplicates auto-merge merges certain pairs only when AUTO_MERGE_CERTAIN is on, recorded as auto-merge', async () => {
    const sha1 = (await import('node:crypto')).createHash('sha1').update('mailto:eve@example.org').digest('hex');
    const [certain] = await seed(
      [
        agents.mbox('eve@example.org', 'Eve'),
        agents.sha1(sha1),
        agents.mbox('x@example.org', 'Eve Adams'),
        agents.mbox('y@example.org', 'Eve Adams'),
      ],
      { LINK_MBOX_SHA1SUM: 'false' },
    );
    expect(certain.isCertain).to.equal(true);
    expect((await failure(['duplicates', 'auto-merge'])).stderr).to.include('duplicates.auto_merge_off');
    expect((await json(['merges', 'list'])).data).to.deep.equal([]);
    const { merges } = JSON.parse((await persona(['duplicates', 'auto-merge', '--json'], { AUTO_MERGE_CERTAIN: 'true' })).stdout);
    expect(merges).to.have.length(1);
    const [merge] = (await json(['merges', 'list'])).data;
    expect(merge).to.include({ id: merges[0], actor: 'auto-merge', state: 'applied' });
    expect([merge.target, ...merge.sources].sort()).to.deep.equal([...certain.personas].sort());
  });

  it('export writes the document with identifiers; erase refuses without --yes and with it removes everything', async () => {
    const [pair] = await seed([agents.mbox('Eve@example.org', 'Eve'), agents.mbox('eve@example.org', 'Eve')]);
    const [id] = pair.personas;
    const out = join(dir, 'export.json');
    expect((await persona(['export', id, '--out', out])).stdout).to.match(/exported persona .* 1 identifier\(s\)/);
    const document = JSON.parse(readFileSync(out, 'utf8'));
    expect(document.persona.id).to.equal(id);
    expect(document.identifiers.map((entry: { ifi: unknown }) => entry.ifi)).to.deep.equal([
      { key: 'mbox', value: 'mailto:Eve@example.org' },
    ]);

    const refused = await failure(['erase', id]);
    expect(refused.code).to.equal(2); // a usage error: nothing was done (README "Exit codes")
    expect(refused.stderr).to.include('--yes');
    expect((await json(['export', id])).persona.id).to.equal(id);

    const report = await json(['erase', id, '--yes']);
    expect(report.counts).to.include({ personas: 1, identifiers: 1 });
    const gone = await failure(['export', id, '--json']);
    expect(gone.code).to.equal(1);
    expect(JSON.parse(gone.stderr).error.code).to.equal('personas.persona_not_found');
    expect((await json(['duplicates'])).data).to.deep.equal([]);
  });

  it('merges recover completes a merge left pending and reports it', async () => {
    const [pair] = await seed([agents.mbox('Fay@example.org'), agents.mbox('fay@example.org')]);
    const [target, source] = pair.personas.map((id) => new ObjectId(id));
    const mergeId = await leavePendingMerge(shared, target, source, 'cli');
    expect(await json(['merges', 'recover'])).to.deep.equal({
      completed: [mergeId.toHexString()],
      undone: [],
      abandoned: [],
      announced: [],
    });
    const [merge] = (await json(['merges', 'list'])).data;
    expect(merge).to.include({ id: mergeId.toHexString(), state: 'applied' });
    expect((await json(['export', target.toHexString()])).identifiers).to.have.length(2);
    expect((await persona(['merges', 'recover'])).stdout).to.include('recovered 0 merge(s)');
  });

  it('bad ids exit 2 (usage), unknown ids 1, with a message naming the problem or the code', async () => {
    const [existing] = await seed([agents.mbox('Gil@example.org'), agents.mbox('gil@example.org')]);
    const unknown = new ObjectId().toHexString();
    const malformed = await failure(['merge', 'nope', unknown]);
    expect(malformed.code).to.equal(2);
    expect(malformed.stderr).to.include('24-character hex persona id');
    expect((await failure(['merges', 'list', '--limit', '0'])).stderr).to.include('positive integer');
    expect((await failure(['duplicates', '--min-score', '2'])).stderr).to.include('from 0 to 1');
    const notFound = await failure(['merges', 'undo', unknown]);
    expect(notFound.code).to.equal(1);
    expect(notFound.stderr).to.include('merges.merge_not_found');
    expect((await failure(['merge', unknown, new ObjectId().toHexString()])).stderr).to.include('personas.persona_not_found');
    expect((await failure(['merge', unknown, unknown])).stderr).to.include('merges.merge_into_itself');
    expect((await failure(['duplicates', '--persona', unknown])).stderr).to.include('personas.persona_not_found');
    expect((await failure(['duplicates', 'dismiss', unknown, unknown])).stderr).to.include('duplicates.invalid_pair');
    expect((await failure(['erase', unknown, '--yes'])).stderr).to.include('personas.persona_not_found');
    // Another organisation does not see this one's personas.
    const other = new ObjectId().toHexString();
    expect((await failure(['export', existing.personas[0], '--organisation', other])).stderr).to.include('personas.persona_not_found');
    expect((await failure(['merge', ...existing.personas, '--organisation', other])).stderr).to.include('personas.persona_not_found');
    expect((await failure(['merges', 'list', '--organisation', 'zz'])).stderr).to.include('24-character hex organisation id');
    expect((await json(['merges', 'list', '--organisation', other])).data).to.deep.equal([]);
  });
});
