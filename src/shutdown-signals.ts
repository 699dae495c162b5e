// How every long-running process (`npm start`, `npm run worker`, `persona worker`) stops on SIGTERM or SIGINT: the
// first signal runs `stop` once (finish in-flight requests or running jobs, then close); a second one, from an operator
// who will not wait, exits at once with code 1 (running jobs are then re-run elsewhere after WORKER_LOCK_MS).
export function onShutdownSignal(stop: (signal: NodeJS.Signals) => Promise<void>, onError: (error: Error) => void): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      stop(signal).catch(onError);
    });
  }
}
