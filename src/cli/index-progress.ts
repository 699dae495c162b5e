// Progress of `persona migrate`'s index builds on stderr (stdout stays the report, or JSON with --json): one line
// when a build starts, one when it ends with its duration, so an operator watching a build of hours knows which one.
import type { IndexProgress } from '../store/indexes.ts';

export function printIndexProgress(write: (line: string) => void = (line) => process.stderr.write(line)): IndexProgress {
  return ({ index, phase, ms }) => {
    write(phase === 'start' ? `building index ${index} …\n` : `  ${index} ready (${(ms / 1000).toFixed(1)} s)\n`);
  };
}
