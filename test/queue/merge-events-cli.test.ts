// Merges made from the command line are announced like the API's (real Redis, QUEUE=auto): `persona merge` publishes
// persona.merged, `persona merges undo` persona.merge_undone, and `persona merges recover` announces the merge it
// completes. With QUEUE=inline nothing is published.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { Redis } from 'ioredis';
import { eventsStreamName } from '../../src/queue/event-publisher.ts';
import { leavePendingMerge } from '../identity/support/seed.ts';
import { agents, statementBy } from '../support/statements.ts';
import { makeTempDir, processStoreFor, type ProcessStore } from '../support/temp-store.ts';
import { deletePrefix, REDIS_URL, uniquePrefix } from './queue-support.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

describe('persona events from the CLI (real Redis)', () => {
  let dir: string;
  let prefix: string;
  let redis: Redis;
  let shared: ProcessStore;
  beforeEach(() => {
    dir = makeTempDir('persona-cli-events-');
    shared = processStoreFor(join(dir, 'data'));
    prefix = uniquePrefix();
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    redis.disconnect();
    await deletePrefix(prefix);
    await shared.discard();
    rmSync(dir, { recursive: true, force: true });
  });

  const persona = async (args: string[], queue = 'auto') =>
    (
      await run(process.execPath, [cli, ...args], {
        env: { ...process.env, ...shared.env, QUEUE: queue, QUEUE_PREFIX: prefix, REDIS_URL },
      })
    ).stdout;
  const json = async (args: string[], queue?: string) => JSON.parse(await persona([...args, '--json'], queue));

  /** Every persona event on the stream so far (BullMQ keeps it at `<prefix>:<name>:events`); the CLI has exited. */
  async function events(): Promise<Array<Record<string, any>>> {
    const entries = await redis.xrange(`${prefix}:${eventsStreamName('persona-statements')}:events`, '-', '+');
    return entries
      .map(([, fields]) => {
        const record: Record<string, string> = {};
        for (let index = 0; index < fields.length; index += 2) record[fields[index]] = fields[index + 1];
        return record.data ? JSON.parse(record.data) : {};
      })
      .filter((event) => typeof event.type === 'string');
  }

  async function seedPair(): Promise<[string, string]> {
    const file = join(dir, 'statements.jsonl');
    writeFileSync(
      file,
      [agents.mbox('Ann@example.org', 'Ann'), agents.mbox('ann@example.org', 'Ann')]
        .map((actor) => JSON.stringify(statementBy(actor)))
        .join('\n'),
    );
    await persona(['ingest', file], 'inline');
    return (await json(['duplicates'], 'inline')).data[0].personas;
  }

  it('merge and undo publish persona.merged and persona.merge_undone (actor cli); QUEUE=inline publishes nothing', async () => {
    const [target, source] = await seedPair();
    const merge = await json(['merge', target, source]);
    await json(['merges', 'undo', merge.id]);
    expect(
      (await events()).map((event) => ({
        type: event.type,
        eventId: event.eventId,
        personaId: event.personaId,
        sourceIds: event.sourceIds,
        actor: event.actor,
      })),
    ).to.deep.equal([
      { type: 'persona.merged', eventId: `persona.merged:${merge.id}`, personaId: target, sourceIds: [source], actor: 'cli' },
      { type: 'persona.merge_undone', eventId: `persona.merge_undone:${merge.id}`, personaId: target, sourceIds: [source], actor: 'cli' },
    ]);
    await json(['merge', target, source], 'inline');
    expect(await events()).to.have.length(2);
  });

  it('merges recover announces the merge it completes', async () => {
    const [target, source] = (await seedPair()).map((id) => new ObjectId(id));
    const mergeId = await leavePendingMerge(shared, target, source, 'api');
    expect((await json(['merges', 'recover'])).completed).to.deep.equal([mergeId.toHexString()]);
    expect((await events()).map((event) => event.eventId)).to.deep.equal([`persona.merged:${mergeId.toHexString()}`]);
  });
});
