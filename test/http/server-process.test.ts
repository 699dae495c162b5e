// `npm start` as a process: first start prints the credentials once and writes initial-client.json; a second start
// does not; SIGTERM lets an in-flight request finish, then the process exits cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { makeTempDir, processStoreFor } from '../support/temp-store.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

function startServer(
  storeEnv: Record<string, string>,
  port: number,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...storeEnv, PORT: String(port), QUEUE: 'inline', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForHealth(port: number): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not start');
}

describe('HTTP: the server process', function () {
  this.timeout(120_000);
  const dataDir = makeTempDir('persona-main-');
  const shared = processStoreFor(dataDir);
  const port = 20000 + Math.floor(Math.random() * 20000);
  after(async () => {
    await shared.discard();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the first client once, serves it, and finishes an in-flight request on SIGTERM before exiting', async () => {
    const first = startServer(shared.env, port);
    await waitForHealth(port);
    const credentials = JSON.parse(readFileSync(join(dataDir, 'initial-client.json'), 'utf8'));
    expect(first.output()).to.include(credentials.secret);

    // An in-flight request: headers and half of the body sent, SIGTERM, then the rest of the body.
    const body = JSON.stringify({ name: 'In flight' });
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    socket.write(
      `POST /v1/personas HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(`${credentials.key}:${credentials.secret}`).toString('base64')}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    first.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.write(body.slice(5));
    await closed;
    expect(answer).to.match(/^HTTP\/1\.1 201/);
    expect(await first.exited).to.equal(0);
    expect(first.output()).to.include('stopped');

    const second = startServer(shared.env, port);
    await waitForHealth(port);
    expect(second.output()).to.not.include('First start');
    const listed = await fetch(`http://127.0.0.1:${port}/v1/personas`, {
      headers: { authorization: `Basic ${Buffer.from(`${credentials.key}:${credentials.secret}`).toString('base64')}` },
    });
    expect(
      ((await listed.json()) as { data: Array<{ name: string }> }).data.map((persona: { name: string }) => persona.name),
    ).to.deep.equal(['In flight']);
    second.child.kill('SIGINT');
    expect(await second.exited).to.equal(0);
  });
});
