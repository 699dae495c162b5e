// `persona rules` as a user runs it (child processes on a fresh data directory): show the defaults, set rules from a
// JSON file with a dry run first (existing data reported, nothing saved), a refused file (exit 2, field named), and
// the saved rules applied by `persona ingest` and refusing a `persona merge` with the rule's code.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { ObjectId } from 'bson';
import { createBackfillProcessor, type BackfillJobData } from '../../src/features/write-back/statement-backfill.ts';
import { ensureWriteBackIndexes } from '../../src/features/write-back/write-back-indexes.ts';
import { backfillQueueName } from '../../src/queue/backfill-queue.ts';
import { bullConnection } from '../../src/queue/redis-connection.ts';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../queue/queue-support.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir, openTempEmbeddedStore } from '../support/temp-store.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');
interface Failure {
  code: number;
  stdout: string;
  stderr: string;
}

describe('persona rules', function () {
  // Each test starts several `persona` processes (seconds each on a busy machine).
  this.timeout(300_000);
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('persona-rules-cli-');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const persona = (args: string[]) => run(process.execPath, [cli, ...args], { env: { ...process.env, DATA_DIR: join(dir, 'data') } });
  const json = async (args: string[]) => JSON.parse((await persona([...args, '--json'])).stdout);
  const failure = (args: string[]): Promise<Failure> =>
    persona(args).then(
      ({ stdout }) => {
        throw new Error(`expected persona ${args.join(' ')} to fail; printed ${stdout}`);
      },
      (error: Failure) => error,
    );
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('shows the defaults, dry-runs and saves rules from a file, reports existing violations, and refuses an invalid file with exit 2', async () => {
    expect((await json(['rules', 'show'])).blocked.defaults).to.include('test_address');
    const statements = [
      statementBy(agents.account('https://lms.example.org', 'ann')),
      statementBy(agents.account('https://lms.example.org', 'ann2')),
    ];
    await persona(['ingest', file('statements.jsonl', statements.map((statement) => JSON.stringify(statement)).join('\n'))]);
    const rules = file('rules.json', {
      namePolicy: 'first',
      blocked: { values: [{ kind: 'account', value: 'ann2' }] },
      unique: [{ kind: 'account', homePage: 'https://lms.example.org' }],
    });
    const tried = await json(['rules', 'set', rules, '--dry-run']);
    expect(tried).to.deep.include({ dryRun: true, violations: tried.violations });
    expect(tried.violations.count).to.equal(1);
    expect(tried.violations.listed[0].rule).to.equal('blocked.values[0]');
    expect((await persona(['rules', 'set', rules])).stdout)
      .to.match(/^saved; 0 persona\(s\) renamed; 1 existing violation/)
      .and.include('blocked.values[0]');
    expect((await json(['rules', 'show'])).unique).to.deep.equal([{ kind: 'account', homePage: 'https://lms.example.org' }]);

    const invalid = await failure([
      'rules',
      'set',
      file('bad.json', { namePolicy: 'first', blocked: { patterns: [{ kind: 'account', pattern: '(a|b)*c' }] } }),
    ]);
    expect(invalid.code).to.equal(2);
    expect(invalid.stderr).to.include('rules.failed_to_validate').and.include('blocked.patterns[0].pattern: rules.unsafe_pattern');
    expect((await failure(['rules', 'set', file('broken.json', '{')])).code).to.equal(2);
  });

  it('saved rules apply to `persona ingest` (blocked agents create nothing) and refuse a `persona merge` naming the rule', async () => {
    await persona(['rules', 'set', file('rules.json', { namePolicy: 'first', unique: [{ kind: 'mbox' }] })]);
    const statements = [
      statementBy(agents.mbox('Ann@example.org')),
      statementBy(agents.mbox('ann@example.org')),
      statementBy(agents.mbox('test@test.com')),
    ];
    const output = (
      await persona(['ingest', '--json', file('statements.jsonl', statements.map((statement) => JSON.stringify(statement)).join('\n'))])
    ).stdout;
    expect(JSON.parse(output.trim().split('\n').pop()!)).to.include({ statements: 3, resolved: 3, identifiersCreated: 2 });
    const [pair] = (await json(['duplicates'])).data as Array<{ personas: [string, string] }>;
    const refused = await failure(['merge', ...pair.personas]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('rules.unique_kind').and.include('unique[0]');
    expect((await json(['merges', 'list'])).data).to.deep.equal([]);
  });

  it("a name policy changed by `rules set` queues the re-stamp of the renamed personas' statements, as PUT /v1/identity-rules does (real Redis)", async () => {
    const prefix = uniquePrefix();
    try {
      const statements = [
        { ...statementBy(agents.mbox('ann@example.org', 'Ann')), timestamp: '2024-01-01T00:00:00Z' },
        { ...statementBy(agents.mbox('ann@example.org', 'Ann Smith')), timestamp: '2024-06-01T00:00:00Z' },
      ];
      await persona(['ingest', file('statements.jsonl', statements.map((statement) => JSON.stringify(statement)).join('\n'))]);
      // A Learning Locker statement stamped with the persona's name as it is now.
      let temp = await openTempEmbeddedStore({ dataDir: join(dir, 'data') });
      const ann = await temp.store.collection('personas').findOne({ name: 'Ann' });
      const statementId = new ObjectId();
      await temp.store.collection('statements').insertOne({
        _id: statementId,
        organisation: ann!.organisation,
        statement: { actor: { mbox: 'mailto:ann@example.org' } },
        person: { _id: ann!._id, display: 'Ann' },
      });
      await temp.close();

      const env = { ...process.env, DATA_DIR: join(dir, 'data'), WRITE_BACK_STATEMENTS: 'true', QUEUE_PREFIX: prefix, REDIS_URL };
      const set = await run(process.execPath, [cli, 'rules', 'set', file('rules.json', { namePolicy: 'latest' })], { env });
      expect(set.stdout).to.match(/^saved; 1 persona\(s\) renamed/);

      const queue = new Queue<BackfillJobData>(backfillQueueName('persona-statements'), { connection: bullConnection(REDIS_URL), prefix });
      try {
        const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
        const id = ann!._id.toHexString();
        expect(jobs.map((job) => job.data)).to.deep.equal([
          { kind: 'persona', organisation: ann!.organisation.toHexString(), fromId: id, toId: id },
        ]);
        // The workers' processor runs the queued job: the statement now shows the persona's new name.
        temp = await openTempEmbeddedStore({ dataDir: join(dir, 'data') });
        try {
          await ensureWriteBackIndexes(temp.store.collection('statements'));
          await createBackfillProcessor({
            store: temp.store,
            statements: temp.store.collection('statements'),
            batchSize: 10,
            ratePerSecond: 1_000_000,
          })(jobs[0]);
          expect(
            (await temp.store.collection('statements').findOne({ _id: statementId, organisation: ann!.organisation }))!.person.display,
          ).to.equal('Ann Smith');
        } finally {
          await temp.close();
        }
      } finally {
        await queue.close();
      }
    } finally {
      await deletePrefix(prefix);
    }
  });
});
