// Persona events of the API process over the real app and the real Redis (QUEUE=auto, so the API also runs the
// statements worker): a statement that creates a persona announces exactly that persona, and a merge and its undo
// announce `persona.merged` / `persona.merge_undone` on the same BullMQ events stream.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { eventsStreamName } from '../../src/queue/event-publisher.ts';
import { createPersona, mboxIfi, startTestApi, type TestApi } from '../identity/support/identity-api.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';

interface StreamEvent {
  event: string;
  data: Record<string, any>;
}

describe('persona events from the API process (real Redis)', () => {
  let prefix: string;
  let api: TestApi;
  let redis: Redis;

  beforeEach(async () => {
    prefix = uniquePrefix();
    api = await startTestApi({ QUEUE: 'auto', QUEUE_PREFIX: prefix });
    redis = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    await api.close();
    redis.disconnect();
    await deletePrefix(prefix);
  });

  /** Every event on the stream so far, oldest first (BullMQ keeps it at `<prefix>:<name>:events`). */
  async function streamEvents(): Promise<StreamEvent[]> {
    const entries = await redis.xrange(`${prefix}:${eventsStreamName('persona-statements')}:events`, '-', '+');
    return entries
      .map(([, fields]) => {
        const record: Record<string, string> = {};
        for (let index = 0; index < fields.length; index += 2) record[fields[index]] = fields[index + 1];
        return { event: record.event, data: record.data ? JSON.parse(record.data) : {} };
      })
      .filter((entry) => entry.event.includes('.'));
  }
  const eventOf = (type: string) => async () => (await streamEvents()).find((entry) => entry.event === type) ?? null;

  it('a queued statement announces the persona it created, named, once', async () => {
    const accepted = await api.request('POST', '/v1/statements', {
      body: {
        actor: { mbox: 'mailto:new@example.org', name: 'New Learner' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
        object: { id: 'https://example.org/c' },
      },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
    const created = await waitFor('persona.created on the stream', eventOf('persona.created'));
    const resolved = await api.request('POST', '/v1/resolve', { body: { agents: [{ mbox: 'mailto:new@example.org' }] } });
    expect(created.data).to.include({ type: 'persona.created', personaId: resolved.body.results[0].personaId, name: 'New Learner' });
    await waitFor('identifier.created on the stream', eventOf('identifier.created'));
    expect((await streamEvents()).filter((entry) => entry.event === 'persona.created')).to.have.length(1);
  });

  it('a merge publishes persona.merged and its undo persona.merge_undone', async () => {
    const target = await createPersona(api, { name: 'Ann', identifiers: [mboxIfi('ann@example.org')] });
    const source = await createPersona(api, { name: 'Ann B', identifiers: [mboxIfi('ann.b@example.org')] });
    const merge = await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } });
    expect(merge.status, JSON.stringify(merge.body)).to.equal(201);
    const merged = await waitFor('persona.merged on the stream', eventOf('persona.merged'));
    expect(merged.data).to.deep.include({
      type: 'persona.merged',
      eventId: `persona.merged:${merge.body.id}`,
      mergeId: merge.body.id,
      personaId: target,
      sourceIds: [source],
      organisation: api.admin.organisation,
    });
    expect((await api.request('POST', `/v1/merges/${merge.body.id}/undo`)).status).to.equal(200);
    const undone = await waitFor('persona.merge_undone on the stream', eventOf('persona.merge_undone'));
    expect(undone.data).to.deep.include({ eventId: `persona.merge_undone:${merge.body.id}`, personaId: target, sourceIds: [source] });
  });
});
