// Runs test/store/fixtures/store-child.ts as a separate Node process (node --import tsx), for tests that need
// several real processes sharing one data directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHILD_SCRIPT = fileURLToPath(new URL('./fixtures/store-child.ts', import.meta.url));

/** Longer than any healthy child takes even on a loaded machine; shorter than the tests' own timeouts. */
const WATCHDOG_MS = 150_000;

export function spawnStoreChild(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Runs the child to completion; resolves with its stdout, rejects when it exits non-zero. A child that has not
 * exited after WATCHDOG_MS is described (process state, kernel wait channel, native stacks when gdb is installed)
 * and killed, so a rare hang fails with the evidence needed to find it rather than with a bare timeout.
 */
export function runStoreChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnStoreChild(args);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    const watchdog = setTimeout(() => {
      const evidence = describeStuckProcess(child.pid!);
      child.kill('SIGKILL');
      reject(new Error(`child ${args.join(' ')} did not exit within ${WATCHDOG_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}\n${evidence}`));
    }, WATCHDOG_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (code === 0) resolve(stdout);
      else reject(new Error(`child ${args[0]} exited ${code ?? signal}: ${stderr}`));
    });
  });
}

function describeStuckProcess(pid: number): string {
  const read = (file: string): string => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8').trim();
    } catch (error) {
      return `(${(error as Error).message})`;
    }
  };
  // The third field of /proc/PID/stat is the state: Z means the child exited and only our exit notification is missing.
  const state = read('stat').split(' ')[2];
  const gdb = spawnSync('gdb', ['-p', String(pid), '-batch', '-ex', 'thread apply all bt 12'], { encoding: 'utf8', timeout: 30_000 });
  const stacks = gdb.error
    ? `(gdb: ${gdb.error.message})`
    : (gdb.stdout || '')
        .split('\n')
        .filter((line) => /^Thread|^#/.test(line))
        .join('\n');
  return `state: ${state}\nwchan: ${read('wchan')}\nstacks:\n${stacks}`;
}
