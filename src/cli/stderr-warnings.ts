// Warnings of CLI commands (missing indexes found at start) on stderr, so stdout stays the command's result.
export const stderrWarnings = {
  warn: (details: object, message?: string) => {
    process.stderr.write(`warning: ${message ?? ''} ${JSON.stringify(details)}\n`);
  },
};
