// Persona events against the real Redis and a real HTTP receiver: published on the BullMQ events stream, delivered
// to webhooks with a verifiable HMAC signature, retried on 5xx, not retried on a client error, de-duplicated per event.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { expect } from 'chai';
import { QueueEvents, Queue, Worker } from 'bullmq';
import { createEventPublisher, eventsStreamName, webhookQueueName, type EventPublisher } from '../../src/queue/event-publisher.ts';
import type { PersonaEvent } from '../../src/features/events/persona-events.ts';
import { verifySignature, type WebhookJobData } from '../../src/features/events/webhook-delivery.ts';
import { createWebhookProcessor } from '../../src/queue/events-worker.ts';
import { bullConnection } from '../../src/queue/redis-connection.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';

const SECRET = 'a-test-secret-of-enough-length';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

function personaCreated(id: string): PersonaEvent {
  return {
    type: 'persona.created',
    eventId: `persona.created:${id}`,
    organisation: 'a'.repeat(24),
    personaId: id,
    name: 'Ann',
    occurredAt: new Date().toISOString(),
  };
}

describe('persona events (real Redis, real webhook receiver)', () => {
  let prefix: string;
  let server: Server;
  let url: string;
  let received: Received[];
  let answers: number[];
  let publisher: EventPublisher;
  let deliveries: Worker<WebhookJobData>;

  beforeEach(async () => {
    prefix = uniquePrefix();
    received = [];
    answers = [];
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.statusCode = answers.shift() ?? 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    publisher = createEventPublisher({
      redisUrl: REDIS_URL,
      prefix,
      queueName: 'persona-statements',
      maxLength: 1000,
      webhookUrls: [url],
      webhookAttempts: 3,
      webhookBackoffMs: 20,
    });
    deliveries = new Worker<WebhookJobData>(webhookQueueName('persona-statements'), createWebhookProcessor({ secret: SECRET }), {
      connection: bullConnection(REDIS_URL),
      prefix,
    });
  });

  afterEach(async () => {
    await deliveries.close();
    await publisher.close();
    await new Promise((resolve) => server.close(resolve));
    await deletePrefix(prefix);
  });

  it('an event reaches the events stream and the webhook, signed with the shared secret', async () => {
    // Read the stream from its start, so the listener cannot miss an event published before its first read.
    const events = new QueueEvents(eventsStreamName('persona-statements'), {
      connection: bullConnection(REDIS_URL),
      prefix,
      lastEventId: '0-0',
    });
    try {
      await events.waitUntilReady();
      const heard: unknown[] = [];
      events.on('persona.created' as 'error', (args: unknown) => {
        heard.push(args);
      });
      await publisher.publish([personaCreated('b'.repeat(24))]);
      await waitFor('webhook delivery', async () => received.length === 1);
      const [request] = received;
      expect(JSON.parse(request.body)).to.include({ type: 'persona.created', personaId: 'b'.repeat(24) });
      expect(request.headers['x-persona-event']).to.equal('persona.created');
      expect(request.headers['x-persona-event-id']).to.equal(`persona.created:${'b'.repeat(24)}`);
      const timestamp = String(request.headers['x-persona-timestamp']);
      expect(verifySignature(SECRET, timestamp, request.body, String(request.headers['x-persona-signature']))).to.equal(true);
      expect(
        verifySignature('another-secret-of-enough-length', timestamp, request.body, String(request.headers['x-persona-signature'])),
      ).to.equal(false);
      await waitFor('event on the stream', async () => heard.length === 1);
      expect(JSON.parse((heard[0] as { data: string }).data)).to.include({ eventId: `persona.created:${'b'.repeat(24)}` });
    } finally {
      await events.close();
    }
  });

  it('a receiver answering 503 gets the event again until it accepts it', async () => {
    answers.push(503, 503);
    await publisher.publish([personaCreated('c'.repeat(24))]);
    await waitFor('third delivery', async () => received.length === 3);
    expect(new Set(received.map((request) => request.body)).size).to.equal(1);
    const queue = new Queue(webhookQueueName('persona-statements'), { connection: bullConnection(REDIS_URL), prefix });
    try {
      await waitFor('completed delivery', async () => (await queue.getJobCounts('completed')).completed === 1);
    } finally {
      await queue.close();
    }
  });

  it('a receiver answering 400 is not retried and the delivery is dead-lettered', async () => {
    answers.push(400);
    await publisher.publish([personaCreated('d'.repeat(24))]);
    const queue = new Queue(webhookQueueName('persona-statements'), { connection: bullConnection(REDIS_URL), prefix });
    try {
      const [failed] = await waitFor('failed delivery', async () => {
        const jobs = await queue.getFailed();
        return jobs.length === 1 ? jobs : null;
      });
      expect(failed.attemptsMade).to.equal(1);
      expect(failed.failedReason).to.match(/answered 400/);
      expect(received).to.have.length(1);
    } finally {
      await queue.close();
    }
  });

  it('an event published twice (a re-run job) is delivered once', async () => {
    const event = personaCreated('e'.repeat(24));
    await publisher.publish([event]);
    await publisher.publish([event]);
    await waitFor('delivery', async () => received.length >= 1);
    const queue = new Queue(webhookQueueName('persona-statements'), { connection: bullConnection(REDIS_URL), prefix });
    try {
      await waitFor('delivery completed', async () => (await queue.getJobCounts('completed')).completed === 1);
      expect(await queue.count()).to.equal(0);
      expect(received).to.have.length(1);
    } finally {
      await queue.close();
    }
  });
});
