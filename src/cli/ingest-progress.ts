// What `persona ingest` shows while it runs: on a terminal (stderr), a bar with the statements read, their rate and
// the time left (from bytes read of a known size; without one, as for a pipe, no bar and no ETA). Rejection lines go to
// stdout; when stdout is that same terminal they are printed through the bar's log, above it, so a redraw never
// lands in the middle of one. Without a terminal (or with --json) there is no bar and lines are written as they come.
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

export interface IngestProgress {
  /** After each batch: bytes of input read so far and statements read so far. */
  advance(bytesRead: number, statements: number): void;
  /** One report line (a rejection), on stdout. */
  report(line: string): void;
  /** Ends the bar (its final state stays on screen) after printing every pending line. */
  stop(): void;
}

export interface ProgressStreams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

const WITH_SIZE = 'ingest [{bar}] {percentage}% | {statements} statements | {rate} statements/s | ETA {eta_formatted}';
const WITHOUT_SIZE = 'ingest {statements} statements | {rate} statements/s';

export function createIngestProgress(totalBytes: number | null, isQuiet: boolean, streams: ProgressStreams = process): IngestProgress {
  const plain: IngestProgress = {
    advance() {},
    report(line) {
      streams.stdout.write(`${line}\n`);
    },
    stop() {},
  };
  if (isQuiet || !streams.stderr.isTTY) return plain;

  const started = performance.now();
  const bars = new MultiBar(
    { format: totalBytes === null ? WITHOUT_SIZE : WITH_SIZE, stream: streams.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  const bar: SingleBar = bars.create(totalBytes ?? 1, 0, { statements: 0, rate: 0 });
  const sharesTerminal = Boolean(streams.stdout.isTTY);
  return {
    advance(bytesRead, statements) {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(statements / seconds) : 0;
      bar.update(totalBytes === null ? 0 : Math.min(bytesRead, totalBytes), { statements, rate });
    },
    report(line) {
      if (sharesTerminal) bars.log(`${line}\n`);
      else streams.stdout.write(`${line}\n`);
    },
    stop() {
      bars.update(); // prints the lines still waiting in the bar's log
      bars.stop();
    },
  };
}
