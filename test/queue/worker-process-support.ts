// Real worker processes for the end-to-end queue tests: `workers/statements.worker.ts` spawned with its own
// environment (the shared store: processStoreFor's env, the test's Redis prefix, short lock times so a killed worker's job is
// re-run within seconds), started when it logs "worker ready".
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from './queue-support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerChild {
  child: ChildProcess;
  name: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnWorker(env: Record<string, string>, startTimeoutMs = 30_000): Promise<WorkerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/statements.worker.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      REDIS_URL,
      LOG_LEVEL: 'info',
      QUEUE: 'bullmq',
      WORKER_LOCK_MS: '5000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      WORKER_MAX_STALLED: '5',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), startTimeoutMs);
    const check = (): void => {
      if (output.includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it was ready:\n${output}`));
    });
  });
  return { child, name: `${(await import('node:os')).hostname()}:${child.pid}`, output: () => output, exited };
}

export async function stopWorker(worker: WorkerChild): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGKILL');
  await worker.exited;
}
