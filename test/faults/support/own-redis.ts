// A redis-server of the test's own on a free port (never the shared one at 6379, which other suites use), so a test
// can kill and restart it. Its data lives in the test's directory: with `aof`, every write is fsynced to an
// append-only file before Redis answers, so a kill -9 and restart keeps every acknowledged job (the deployment
// advice of the README); without it, nothing is written to disk.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { closedPort } from '../../queue/queue-support.ts';

export interface OwnRedis {
  url: string;
  start(): Promise<void>;
  kill9(): Promise<void>;
}

export async function ownRedis(dir: string, { aof = false } = {}): Promise<OwnRedis> {
  const port = await closedPort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const persistence = aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  return {
    url,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir], {
        stdio: 'ignore',
      });
      for (let attempt = 0; ; attempt += 1) {
        const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        probe.on('error', () => {
          /* not up yet: the connect below rejects and is retried */
        });
        try {
          await probe.connect();
          if ((await probe.ping()) === 'PONG') return;
        } catch {
          if (attempt > 300) throw new Error(`redis-server on port ${port} did not start`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        } finally {
          probe.disconnect();
        }
      }
    },
    async kill9() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.on('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
}
