// Runs test/store/fixtures/store-child.ts as a separate Node process (node --import tsx), for tests that need
// several real processes sharing one data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CHILD_SCRIPT = fileURLToPath(new URL('./fixtures/store-child.ts', import.meta.url));

export function spawnStoreChild(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the child to completion; resolves with its stdout, rejects when it exits non-zero. */
export function runStoreChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnStoreChild(args);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => { stdout += chunk; });
    child.stderr!.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve(stdout) : reject(new Error(`child ${args[0]} exited ${code ?? signal}: ${stderr}`))));
  });
}
