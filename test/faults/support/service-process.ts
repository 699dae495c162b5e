// Real service processes for the fault suites: the API (`src/main.ts`) and `persona` commands as children of the
// test, on a data directory and (optionally) a Redis of the test's own, so they can be killed with SIGKILL at any
// moment. The API is ready when /health answers; its first start writes the all-scopes client the tests use.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { closedPort } from '../../queue/queue-support.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'bin', 'persona.js');
const run = promisify(execFile);

export interface ServiceChild {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnChild(args: string[], env: Record<string, string>): ServiceChild {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

export interface ApiProcess extends ServiceChild {
  url: string;
  authorization: string;
}

/**
 * Starts the API on a free port and waits until /health answers (a start that fails rejects with its output).
 * `credentialsDir`: where the first start wrote initial-client.json (a restored store's is its original's).
 */
export async function startApi(dataDir: string, env: Record<string, string> = {}, credentialsDir = dataDir): Promise<ApiProcess> {
  const port = await closedPort();
  const service = spawnChild(['--import', 'tsx', 'src/main.ts'], { DATA_DIR: dataDir, PORT: String(port), QUEUE: 'inline', ...env });
  const url = `http://127.0.0.1:${port}`;
  let hasExited = false;
  void service.exited.then(() => {
    hasExited = true;
  });
  for (let attempt = 0; ; attempt += 1) {
    if (hasExited || attempt > 1200) throw new Error(`API did not start:\n${service.output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const credentials = JSON.parse(readFileSync(join(credentialsDir, 'initial-client.json'), 'utf8')) as { key: string; secret: string };
  return { ...service, url, authorization: `Basic ${Buffer.from(`${credentials.key}:${credentials.secret}`).toString('base64')}` };
}

/** SIGKILL, then waits for the exit (already gone: nothing to do). */
export async function kill9(service: ServiceChild): Promise<void> {
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
  await service.exited;
}

/** Starts a `persona` command without waiting (to kill it mid-way). */
export function spawnPersona(args: string[], env: Record<string, string>): ServiceChild {
  return spawnChild([CLI, ...args], env);
}

/** Runs a `persona` command to its end: its exit code and output (a non-zero exit does not throw). */
export async function persona(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** A call to the API with the first client's credentials; network errors (a killed API) reject. */
export async function callApi(
  api: Pick<ApiProcess, 'url' | 'authorization'>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: api.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}
