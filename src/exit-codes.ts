// The exit codes of every process this project starts (`npm start`, `npm run worker`, each `persona` command), one
// rule for all (README "Exit codes"): 0 all done; 1 the command ran but not everything succeeded (input rejected,
// an operation refused, or a failure while running); 2 a usage or configuration error, before anything was done.
// A failure is one readable line on stderr, never a stack trace.
import { CommanderError } from 'commander';
import { ConfigError } from './config-error.ts';

export const EXIT_CODES = { done: 0, incomplete: 1, usage: 2 } as const;

/** 2 for what the caller must fix before anything can run (arguments, environment), else 1. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ConfigError) return EXIT_CODES.usage;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.done : EXIT_CODES.usage;
  return EXIT_CODES.incomplete;
}

/** The error's message on one line (a multi-line message is joined with "; "). */
export function oneLineMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .join('; ') ||
    (error as Error)?.name ||
    'unknown error'
  );
}

/** Start-up failed: one line on stderr naming the program, then exit with the rule's code. */
export function exitOnStartupFailure(program: string, error: unknown): never {
  process.stderr.write(`${program}: cannot start: ${oneLineMessage(error)}\n`);
  process.exit(exitCodeFor(error));
}
