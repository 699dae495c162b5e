// The after-resolution effects (statement write-back stamping, persona events) are the same whichever path resolves
// the statements: the queued path (QUEUE=auto with Redis: the API's own worker resolves the job, webhooks through the
// webhook queue), the inline API path without Redis (webhooks delivered directly) and `persona ingest`. Before the
// one resolution pipeline, only the queued path stamped statements or announced personas and identifiers.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { verifySignature } from '../../src/features/events/webhook-delivery.ts';
import type { Store } from '../../src/store/port.ts';
import { makeTempDir, openTempEmbeddedStore } from '../support/temp-store.ts';
import { closedPort, deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './queue-support.ts';

const SECRET = 'after-resolution-test-secret';
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'persona.js');

const STATEMENTS = [
  { id: '6b1c9e4a-0d3f-4a51-9c3e-1f2a3b4c5d01', actor: { name: 'Ann', mbox: 'mailto:ann@example.org' } },
  { id: '6b1c9e4a-0d3f-4a51-9c3e-1f2a3b4c5d02', actor: { name: 'Bob', account: { homePage: 'http://lms.example.org', name: 'bob' } } },
].map((statement) => ({
  ...statement,
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { id: 'http://example.org/course' },
}));

/** What every path must produce: one event per created persona and identifier, and every statement stamped. */
const EXPECTED = {
  events: [
    'identifier.created account:bob',
    'identifier.created mbox:mailto:ann@example.org',
    'persona.created Ann',
    'persona.created Bob',
  ],
  stamps: [`${STATEMENTS[0].id} Ann`, `${STATEMENTS[1].id} Bob`],
};

interface Received {
  type: string;
  name?: string | null;
  ifi?: { key: string; value: string | { name: string } };
}

/** A webhook receiver that keeps the events whose signature verifies. */
async function startReceiver(): Promise<{ url: string; events: Received[]; server: Server }> {
  const events: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const signed = verifySignature(SECRET, String(req.headers['x-persona-timestamp']), body, String(req.headers['x-persona-signature']));
      if (signed) events.push(JSON.parse(body) as Received);
      res.writeHead(signed ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, events, server };
}

function describeEvents(events: Received[]): string[] {
  return events
    .map((event) => {
      if (event.type === 'persona.created') return `${event.type} ${event.name}`;
      const value = event.ifi!.value;
      return `${event.type} ${event.ifi!.key}:${typeof value === 'string' ? value : value.name}`;
    })
    .sort();
}

/** Learning Locker's statements collection (write-back in our own store), one document per statement. */
async function seedLearningLockerStatements(store: Store, organisation: ObjectId): Promise<void> {
  await store.collection('statements').insertMany(STATEMENTS.map((statement) => ({ _id: new ObjectId(), organisation, statement })));
}

async function stampsOf(store: Store, organisation: ObjectId): Promise<string[]> {
  const documents = await store.collection('statements').find({ organisation });
  return documents
    .map((doc) => {
      expect(doc.personaIdentifier, `statement ${doc.statement.id} has no personaIdentifier`).to.not.equal(undefined);
      return `${doc.statement.id} ${doc.person?.display}`;
    })
    .sort();
}

describe('after-resolution effects on every path', function () {
  this.timeout(120_000);
  let dataDir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let prefix: string;
  beforeEach(async () => {
    dataDir = makeTempDir('persona-after-resolution-');
    receiver = await startReceiver();
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    await new Promise((resolve) => receiver.server.close(resolve));
    await deletePrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    WRITE_BACK_STATEMENTS: 'true',
    WEBHOOK_URLS: receiver.url,
    WEBHOOK_SECRET: SECRET,
    QUEUE_PREFIX: prefix,
  });

  async function throughTheApi(extraEnv: Record<string, string>, waitForJob: boolean) {
    const app = await createApp(loadConfig({ ...env(), ...extraEnv }), { defaultMetrics: false });
    try {
      const organisation = new ObjectId();
      await app.store
        .collection(COLLECTIONS.organisations)
        .insertOne({ _id: organisation, name: 'after-resolution', createdAt: new Date() });
      await seedLearningLockerStatements(app.store, organisation);
      const { token } = await app.services.clients.create({ organisation });
      const server = app.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const posted = await fetch(`${base}/v1/statements`, { method: 'POST', headers, body: JSON.stringify(STATEMENTS) });
        const answer = (await posted.json()) as { jobId?: string };
        expect(posted.status).to.equal(waitForJob ? 202 : 200);
        if (waitForJob) {
          await waitFor('the job to complete', async () => {
            const job = (await (await fetch(`${base}/v1/jobs/${answer.jobId}`, { headers })).json()) as { state: string };
            return job.state === 'completed';
          });
        }
        // Queued deliveries arrive after the job completes; direct ones before the answer.
        await waitFor('four webhook deliveries', async () => receiver.events.length >= 4);
        return { events: describeEvents(receiver.events), stamps: await stampsOf(app.store, organisation) };
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    } finally {
      await app.close();
    }
  }

  it('the queued path (reference): stamps and events', async () => {
    expect(await throughTheApi({ QUEUE: 'auto', REDIS_URL }, true)).to.deep.equal(EXPECTED);
  });

  it('the inline API path without Redis: the same stamps and events', async () => {
    expect(await throughTheApi({ QUEUE: 'auto', REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }, false)).to.deep.equal(EXPECTED);
  });

  it('persona ingest (QUEUE=inline): the same stamps and events', async () => {
    const organisation = new ObjectId();
    const temp = await openTempEmbeddedStore({ dataDir });
    await temp.store
      .collection(COLLECTIONS.organisations)
      .insertOne({ _id: organisation, name: 'after-resolution', createdAt: new Date() });
    await seedLearningLockerStatements(temp.store, organisation);
    await temp.close();
    const file = join(dataDir, '..', `${prefix}.jsonl`);
    writeFileSync(file, STATEMENTS.map((statement) => JSON.stringify(statement)).join('\n'));
    try {
      const outcome = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          [CLI, 'ingest', '--json', '--organisation', organisation.toHexString(), file],
          {
            env: { ...process.env, ...env(), QUEUE: 'inline' },
            timeout: 60_000,
          },
          (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
        );
      });
      expect(outcome.code, outcome.stderr).to.equal(0);
    } finally {
      rmSync(file, { force: true });
    }
    const reopened = await openTempEmbeddedStore({ dataDir, indexes: false });
    try {
      expect({ events: describeEvents(receiver.events), stamps: await stampsOf(reopened.store, organisation) }).to.deep.equal(EXPECTED);
    } finally {
      await reopened.close();
    }
  });
});
